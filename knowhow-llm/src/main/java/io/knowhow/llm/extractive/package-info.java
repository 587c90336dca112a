/** The extractive generator: grounded answers quoted from the evidence, with abstention; needs no model. */
package io.knowhow.llm.extractive;
