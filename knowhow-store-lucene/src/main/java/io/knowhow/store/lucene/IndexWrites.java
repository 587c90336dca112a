package io.knowhow.store.lucene;

import io.knowhow.core.port.StoreIdentity;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexWriterConfig.OpenMode;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.util.IOUtils;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The writer of one index: opens the {@link IndexWriter} (creating the index or checking its identity),
 * applies each write as one commit and rolls back a failed one, and lends searchers that see every commit
 * as soon as it returns (near-real-time, from the writer).
 *
 * <p>Writes are serialized by the caller. Reads run concurrently with each other and with writes. A write
 * that fails rolls the index back to its last commit and throws; the writer stays usable, unless even the
 * rollback failed, after which every call is refused.
 */
final class IndexWrites implements SearcherAccess, Closeable {
    /** One write's changes to the writer's buffer; committed by {@link #write} when it returns. */
    @FunctionalInterface
    interface WriteOp {
        void apply(IndexWriter writer) throws IOException;
    }

    private final Directory directory;
    private final String location;
    private final StoreIdentity identity;
    private final LuceneStoreOptions options;
    private final SearcherFactory searcherFactory;
    private final Analyzer analyzer = IndexLayout.analyzer();

    // Readers hold the read side while they use `searchers`; replacing writer and searchers (after a
    // failed write) and closing hold the write side. Writes themselves are serialized by the caller.
    private final ReadWriteLock engineLock = new ReentrantReadWriteLock();
    private IndexWriter writer;
    /** The index's {@code write.lock}, held from before the first writer until close. */
    private Lock lock;
    /** {@link #directory} handing {@link #lock} to the writers. */
    private Directory lockedDirectory;
    private SearcherManager searchers;
    /** The commit data of the current format, while the index still records an older one it may be written in; else null. */
    private Map<String, String> upgrade;
    private volatile boolean closed;
    /** Set when a failed write could not even be rolled back; every call is refused then. */
    private volatile RuntimeException broken;

    private IndexWrites(Directory directory, String location, StoreIdentity identity, LuceneStoreOptions options,
                        SearcherFactory searcherFactory) {
        this.directory = directory;
        this.location = location;
        this.identity = identity;
        this.options = options;
        this.searcherFactory = searcherFactory;
    }

    /**
     * Opens the writer on {@code directory}, which it then owns and closes; creates an index recording
     * {@code identity} when there is none. Waits up to {@code wait} for another writer to let go of the
     * index. A refused open leaves the directory as it found it.
     *
     * @throws io.knowhow.core.port.KnowledgeBaseBusyException when another writer still holds it after {@code wait}
     */
    static IndexWrites open(Directory directory, String location, StoreIdentity identity, LuceneStoreOptions options,
                            SearcherFactory searcherFactory, Duration wait) {
        IndexWrites writes = new IndexWrites(directory, location, identity, options, searcherFactory);
        try {
            writes.start(wait);
            return writes;
        } catch (RuntimeException e) {
            // A refused open must leave the directory as it found it: roll back, never commit on close.
            IOUtils.closeWhileHandlingException(writes.searchers);
            if (writes.writer != null) {
                try {
                    writes.writer.rollback();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            IOUtils.closeWhileHandlingException(writes.lock, directory, writes.analyzer);
            throw e;
        }
    }

    private void start(Duration wait) {
        engineLock.writeLock().lock();
        try {
            // The lock first, then the look at the files: an IndexWriter deletes every file no commit references
            // as soon as it is constructed, so the check must come before it, and nobody may change the files in between.
            lock = WriterLock.obtain(directory, IndexWriter.WRITE_LOCK_NAME, wait, location);
            IndexDirectory.State state = IndexDirectory.state(directory.listAll());
            if (state == IndexDirectory.State.SEGMENTS_WITHOUT_COMMIT) throw IndexDirectory.segmentsWithoutCommit(location);
            lockedDirectory = new WriterLock.HeldLockDirectory(directory, IndexWriter.WRITE_LOCK_NAME, lock);
            boolean create = state == IndexDirectory.State.NONE;
            writer = new IndexWriter(lockedDirectory, writerConfig(create ? OpenMode.CREATE : OpenMode.APPEND));
            if (create) {
                writer.setLiveCommitData(IndexIdentity.commitData(identity).entrySet());
                writer.commit();
            } else {
                Map<String, String> data = commitData(writer);
                IndexIdentity.check(data, identity, location);
                // An index of an older format this writer can write to records the current one with its first write
                // (see write): from then on it holds documents an older knowhow would misread (IndexLayout.OLDEST_WRITABLE_FORMAT).
                if (IndexIdentity.format(data) < IndexLayout.FORMAT_VERSION) {
                    upgrade = new HashMap<>(data);
                    upgrade.putAll(IndexIdentity.commitData(identity));
                }
            }
            searchers = new SearcherManager(writer, searcherFactory);
        } catch (IOException e) {
            throw IndexDirectory.openFailure(e, location);
        } finally {
            engineLock.writeLock().unlock();
        }
    }

    private IndexWriterConfig writerConfig(OpenMode mode) {
        TieredMergePolicy merges = new TieredMergePolicy();
        // A purge must leave no deleted document in any segment, not merely fewer than Lucene's default 10%.
        merges.setForceMergeDeletesPctAllowed(0);
        return new IndexWriterConfig(analyzer)
                .setOpenMode(mode)
                .setMergePolicy(merges)
                .setCodec(codec(options.vectorFormat().luceneFormat(options.graph().maxConn(), options.graph().beamWidth())));
    }

    private static Codec codec(KnnVectorsFormat vectors) {
        // The Lucene-documented way to pick a per-field format: the codec keeps its name, and each
        // segment records the vector format by name, so the index opens with the default codec too.
        return new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return vectors;
            }
        };
    }

    private static Map<String, String> commitData(IndexWriter writer) {
        Map<String, String> data = new HashMap<>();
        for (Map.Entry<String, String> e : writer.getLiveCommitData()) data.put(e.getKey(), e.getValue());
        return data;
    }

    /**
     * Applies {@code op} and commits; on any failure rolls back to the last commit and rethrows. When it
     * returns, the next {@link #read} sees the commit.
     *
     * @param what the write in a message: "replace source /a.md"
     */
    void write(String what, WriteOp op) {
        ensureUsable();
        try {
            // Set with the write, not when the writer opens: a writer that only opens and closes (an ingest of unchanged
            // files) must leave an older knowhow able to read the index, and after a failed write the writer is a new
            // one, which knows nothing of commit data set on the old.
            if (upgrade != null) writer.setLiveCommitData(upgrade.entrySet());
            op.apply(writer);
            writer.commit();
            upgrade = null;
        } catch (IOException e) {
            discardUncommitted(e);
            throw new UncheckedIOException("Could not " + what + " in knowledge base " + location
                    + "; it keeps its previous state: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            discardUncommitted(e);
            throw e;
        }
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("Wrote " + what + " to knowledge base " + location
                    + " but could not refresh the searcher: " + e.getMessage(), e);
        }
    }

    /**
     * Rewrites every segment that holds deleted documents (deleted sources, replaced versions) and commits,
     * then deletes the files of the old segments as soon as no searcher of this writer uses them.
     */
    void purgeDeleted() {
        write("purge deleted sources", w -> w.forceMergeDeletes(true));
        try {
            // The refresh in write() released the old searcher; files a running query still held are
            // deleted by this call or by the next commit.
            writer.deleteUnusedFiles();
        } catch (IOException e) {
            throw new UncheckedIOException("Purged knowledge base " + location + " but could not delete the old files: "
                    + e.getMessage(), e);
        }
    }

    private void discardUncommitted(Throwable cause) {
        engineLock.writeLock().lock();
        try {
            try {
                writer.rollback();
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
            IOUtils.closeWhileHandlingException(searchers);
            try {
                writer = new IndexWriter(lockedDirectory, writerConfig(OpenMode.APPEND));
                searchers = new SearcherManager(writer, searcherFactory);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
                broken = new IllegalStateException("Knowledge base " + location + " could not recover from a failed write ("
                        + cause.getMessage() + "); close it and open it again", cause);
            }
        } finally {
            engineLock.writeLock().unlock();
        }
    }

    void ensureUsable() {
        if (closed) throw new IllegalStateException("Knowledge base " + location + " is closed");
        RuntimeException b = broken;
        if (b != null) throw new IllegalStateException(b.getMessage(), b);
    }

    @Override
    public <T> T read(SearcherFunction<T> fn) {
        engineLock.readLock().lock();
        try {
            ensureUsable();
            IndexSearcher searcher = searchers.acquire();
            try {
                return fn.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read knowledge base " + location + ": " + e.getMessage(), e);
        } finally {
            engineLock.readLock().unlock();
        }
    }

    /** Closes the writer and the directory; later calls throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public void close() {
        engineLock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            // Closing the writer waits for running merges and commits them. It commits no documents:
            // each write committed its own, and a failed one was rolled back at once.
            IOUtils.close(searchers, writer, lock, directory, analyzer);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not close knowledge base " + location + ": " + e.getMessage(), e);
        } finally {
            engineLock.writeLock().unlock();
        }
    }
}
