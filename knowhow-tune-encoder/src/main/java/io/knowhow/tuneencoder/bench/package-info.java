/** Measurements of encoder fine-tuning on real data: Banking77 classification and SQuAD retrieval before and after. */
package io.knowhow.tuneencoder.bench;
