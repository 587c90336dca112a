/**
 * Engine-free pieces of retrieval that every store shares: {@link io.knowhow.core.retrieval.ScoreFusion}, the
 * fusion of a hybrid search's BM25 and vector lists.
 */
package io.knowhow.core.retrieval;
