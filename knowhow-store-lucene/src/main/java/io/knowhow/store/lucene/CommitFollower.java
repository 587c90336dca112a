package io.knowhow.store.lucene;

import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.StoreIdentity;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.IOUtils;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Searchers on the last commit of an index that another process (or another store) writes: the reading
 * side of a read-only store. It never writes: no lock, no file, no commit, not even a deletion of files
 * an interrupted writer left behind.
 *
 * <p><b>Refresh policy.</b> A read first checks whether a newer commit exists, at most once per
 * {@code checkInterval} (zero, the default: on every read), then searches the newest commit it knows. The
 * check is one {@code stat} of the index directory: a commit creates and renames files in it, which moves
 * the directory's modification time, so an unchanged time means no new commit. Only when the time moved —
 * or is less than {@value #SETTLE_MILLIS} ms old, as a file system with coarse timestamps could show the
 * same time for two changes — does it list the directory and compare the highest {@code segments_N}
 * generation with the one it has open; and only when that differs does it open the new commit
 * ({@code DirectoryReader.openIfChanged}, which reuses unchanged segments and retries when the writer
 * deletes the commit it was reading). {@code bench/run StoreBench} (docs/operations.md): the stat costs a
 * few microseconds, the listing tens, a BM25 search 0.3–2 ms; so the default checks every read and a commit
 * is visible to the next read after it. One read at a time checks; the others use the commit they have.
 *
 * <p>An index that moves — a swap puts a new index directory in place of the old one — is found again by
 * its {@link Place}: the directory is compared by its file key (inode) each check, and reopened from
 * scratch when it is another one. A new commit or directory recording another embedder is refused: reads
 * then throw {@link IncompatibleKnowledgeBaseException} until the store is reopened with that embedder.
 */
final class CommitFollower implements SearcherAccess, Closeable {
    /**
     * Where the index is now: its directory, a key that changes when another directory replaces it, and the
     * directory's last-modified time in milliseconds ({@link #UNKNOWN} when the locator cannot tell).
     */
    record Place(Directory directory, Object key, long modifiedMillis) {
        static final long UNKNOWN = Long.MIN_VALUE;

        boolean sameDirectory(Place other) {
            return other != null && directory == other.directory && key.equals(other.key);
        }
    }

    /** Finds the index each check; for a fixed directory it is always the same place. */
    @FunctionalInterface
    interface Locator {
        /**
         * @param current the place in use (null on the first call)
         * @return the place with {@code current}'s directory when the index is still there, a new directory when
         *         another index replaced it, or null when it is momentarily nowhere (a swap between its renames)
         */
        Place locate(Place current) throws IOException;
    }

    /** How old a directory's modification time must be before an unchanged one is trusted to mean no change. */
    static final long SETTLE_MILLIS = 2_000;

    private record Snapshot(IndexSearcher searcher, Place place, long generation) {}

    private final Locator locator;
    private final String location;
    private final StoreIdentity identity;
    private final SearcherFactory searcherFactory;
    private final long checkIntervalNanos;
    private final ReentrantLock refreshing = new ReentrantLock();
    /** Every directory opened, closed with the store: older snapshots may still read from them. */
    private final List<Directory> directories = new ArrayList<>();
    private volatile Snapshot current;
    private volatile long lastCheck;
    /** The directory's modification time when it was last listed; guarded by {@link #refreshing}. */
    private long listedAtModified = Place.UNKNOWN;
    private volatile boolean closed;
    /** Set when a newer commit holds another embedder's vectors; every read throws it. */
    private volatile RuntimeException incompatible;

    private CommitFollower(Locator locator, String location, StoreIdentity identity, SearcherFactory searcherFactory,
                           Duration checkInterval) {
        this.locator = locator;
        this.location = location;
        this.identity = identity;
        this.searcherFactory = searcherFactory;
        this.checkIntervalNanos = checkInterval.toNanos();
    }

    /**
     * Opens the last commit at the place {@code locator} finds (which must hold a committed index).
     *
     * @throws IncompatibleKnowledgeBaseException when it holds another embedder's vectors
     */
    static CommitFollower open(Locator locator, String location, StoreIdentity identity, SearcherFactory searcherFactory,
                               Duration checkInterval) throws IOException {
        CommitFollower follower = new CommitFollower(locator, location, identity, searcherFactory, checkInterval);
        try {
            Place place = locator.locate(null);
            if (place == null) throw IndexDirectory.noIndexYet(location);
            follower.current = follower.openAt(place);
            follower.lastCheck = System.nanoTime();
            return follower;
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(follower);
            throw e;
        }
    }

    @Override
    public <T> T read(SearcherFunction<T> fn) {
        Snapshot snapshot = acquire();
        try {
            return fn.apply(snapshot.searcher());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read knowledge base " + location + ": " + e.getMessage(), e);
        } finally {
            release(snapshot);
        }
    }

    private Snapshot acquire() {
        maybeRefresh();
        while (true) {
            if (closed) throw new IllegalStateException("Knowledge base " + location + " is closed");
            RuntimeException refused = incompatible;
            if (refused != null) throw refused;
            Snapshot s = current;
            if (s == null) throw new IllegalStateException("Knowledge base " + location + " is closed");
            // The refresher may close this snapshot's reader between the read of `current` and here: then try the new one.
            if (s.searcher().getIndexReader().tryIncRef()) return s;
        }
    }

    private void release(Snapshot snapshot) {
        try {
            snapshot.searcher().getIndexReader().decRef();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not release a searcher of knowledge base " + location + ": " + e.getMessage(), e);
        }
    }

    /** Checks for a newer commit if the interval has passed and no other read is checking already. */
    private void maybeRefresh() {
        if (closed || System.nanoTime() - lastCheck < checkIntervalNanos) return;
        if (!refreshing.tryLock()) return;
        try {
            if (closed) return;
            lastCheck = System.nanoTime();
            Snapshot old = current;
            Snapshot next = refreshed(old);
            if (next != old) {
                current = next;
                old.searcher().getIndexReader().decRef();
            }
        } catch (IncompatibleKnowledgeBaseException | KnowledgeBaseUnavailableException e) {
            // Another embedder's index swapped in (or not a knowhow index at all): answering from the old commit
            // forever would hide every later change, so reads fail until the store is reopened.
            incompatible = e;
        } catch (IOException e) {
            // A writer mid-commit or a swap mid-rename: the commit in hand stays valid; try again next time.
        } finally {
            refreshing.unlock();
        }
    }

    private Snapshot refreshed(Snapshot old) throws IOException {
        Place place = locator.locate(old.place());
        if (place == null) return old;
        if (!place.sameDirectory(old.place())) return openAt(place);
        long modified = place.modifiedMillis();
        if (modified != Place.UNKNOWN && modified == listedAtModified && System.currentTimeMillis() - modified > SETTLE_MILLIS)
            return old;
        long generation = SegmentInfos.getLastCommitGeneration(place.directory().listAll());
        listedAtModified = modified;
        if (generation == old.generation() || generation == -1) return old;
        DirectoryReader oldReader = (DirectoryReader) old.searcher().getIndexReader();
        DirectoryReader newer = DirectoryReader.openIfChanged(oldReader);
        if (newer == null) return old;
        return snapshot(newer, old.place(), oldReader);
    }

    private Snapshot openAt(Place place) throws IOException {
        boolean added;
        synchronized (directories) {
            added = !directories.contains(place.directory()) && directories.add(place.directory());
        }
        try {
            listedAtModified = place.modifiedMillis();
            return snapshot(DirectoryReader.open(place.directory()), place, null);
        } catch (IOException | RuntimeException e) {
            // A directory no snapshot reads from: close it now rather than keep one per failed attempt.
            if (added) {
                synchronized (directories) {
                    directories.remove(place.directory());
                }
                IOUtils.closeWhileHandlingException(place.directory());
            }
            throw e;
        }
    }

    private Snapshot snapshot(DirectoryReader reader, Place place, IndexReader previous) throws IOException {
        try {
            IndexIdentity.check(reader.getIndexCommit().getUserData(), identity, location, true);
            IndexSearcher searcher = searcherFactory.newSearcher(reader, previous);
            return new Snapshot(searcher, place, reader.getIndexCommit().getGeneration());
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(reader);
            throw e;
        }
    }

    /** Closes the commit in hand (searches still running finish first) and the directories. */
    @Override
    public void close() throws IOException {
        refreshing.lock();
        try {
            if (closed) return;
            closed = true;
            Snapshot s = current;
            current = null;
            List<Closeable> toClose = new ArrayList<>();
            if (s != null) toClose.add(() -> s.searcher().getIndexReader().decRef());
            synchronized (directories) {
                toClose.addAll(directories);
            }
            IOUtils.close(toClose);
        } finally {
            refreshing.unlock();
        }
    }

    @Override
    public String toString() {
        return "CommitFollower(" + location + ", " + Objects.requireNonNullElse(current, "closed") + ")";
    }
}
