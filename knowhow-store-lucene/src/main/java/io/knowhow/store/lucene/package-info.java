/**
 * The embedded default knowledge store on Apache Lucene: chunks (BM25 text and HNSW vectors), the
 * manifest of sources and the history of changes in one on-disk index, written with one commit per batch.
 *
 * <p>Public: {@link io.knowhow.store.lucene.LuceneStoreProvider} (the {@code StoreProvider} of
 * {@code store.kind: lucene}, and check/backup), {@link io.knowhow.store.lucene.LuceneKnowledgeStore} (a
 * writer), {@link io.knowhow.store.lucene.LuceneReadableKnowledgeStore} (a reader: no lock, follows the
 * writer's commits), {@link io.knowhow.store.lucene.LuceneStoreOptions} and
 * {@link io.knowhow.store.lucene.VectorFormat}.
 *
 * <p>Inside, one package-private class per concern: {@code IndexLayout} documents the on-disk format
 * (directory, commit data, every field) and maps records to documents; {@code IndexIdentity} the identity in
 * the commit data; {@code IndexDirectory} the checks before Lucene opens a directory; {@code WriterLock}
 * one writer at a time; {@code IndexWrites} the writer and its commits; {@code CommitFollower} a reader's
 * view of the last commit; {@code IndexReads}, {@code ChunkSearch}, {@code FilterQueries} and
 * {@code ReaderStatistics} the reading side; {@code IndexSwap} building beside and swapping in;
 * {@code IndexCheck} and {@code IndexBackup} maintenance. Only the wiring (and the benchmarks) import this
 * package; the rest of knowhow sees the ports of {@code io.knowhow.core.port}.
 */
package io.knowhow.store.lucene;
