/**
 * The embedded default knowledge store on Apache Lucene: chunks (BM25 text and HNSW vectors) and the
 * manifest of sources in one on-disk index, written with one commit per source.
 *
 * <p>{@link io.knowhow.store.lucene.LuceneKnowledgeStore} is the store and documents the on-disk layout
 * field by field; {@link io.knowhow.store.lucene.LuceneStoreOptions} and
 * {@link io.knowhow.store.lucene.VectorFormat} tune it. Only the wiring that opens a store (and the
 * benchmarks) import this package; the rest of knowhow sees a {@link io.knowhow.core.port.KnowledgeStore}.
 */
package io.knowhow.store.lucene;
