/**
 * The embedded default knowledge store on Apache Lucene: chunks (BM25 text and HNSW vectors) and the
 * manifest of sources in one on-disk index, written with one commit per batch of sources.
 *
 * <p>{@link io.knowhow.store.lucene.LuceneKnowledgeStore} is the store; {@link io.knowhow.store.lucene.LuceneStoreOptions}
 * and {@link io.knowhow.store.lucene.VectorFormat} tune it. Inside, one package-private class per concern:
 * {@code IndexLayout} documents the on-disk format field by field and maps records to documents,
 * {@code IndexIdentity} the identity in the commit data, {@code IndexDirectory} the checks on a directory
 * before Lucene opens it, {@code IndexWrites} the writer and its commits, {@code IndexReads},
 * {@code ChunkSearch} and {@code FilterQueries} the reading side. Only the wiring that opens a store (and
 * the benchmarks) import this package; the rest of knowhow sees a {@link io.knowhow.core.port.KnowledgeStore}.
 */
package io.knowhow.store.lucene;
