/** Answering: retrieval, the strategies that fill the context, the generator call and the grounding check. */
package io.knowhow.core.rag;
