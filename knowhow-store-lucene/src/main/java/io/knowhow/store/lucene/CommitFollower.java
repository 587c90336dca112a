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
 * {@code checkInterval} (zero: on every read), then searches the newest commit it knows. The check lists the
 * index directory and compares the highest {@code segments_N} generation with the one it has open — about
 * 10 µs, against 0.3–2 ms for a search (figures in docs/operations.md) — so by default it runs on every
 * read, and a commit is visible to the next read after it. Only when the generation changed does it open
 * the new commit ({@code DirectoryReader.openIfChanged}, which reuses the unchanged segments and retries
 * when the writer deletes the commit it was reading). One read at a time refreshes; the others meanwhile
 * use the commit they have.
 *
 * <p>An index that moves — a swap puts a new index directory in place of the old one — is found again by
 * its {@link Place}: the directory is compared by its file key (inode) each check, and reopened from
 * scratch when it is another one. A new commit or directory recording another embedder is refused: reads
 * then throw {@link IncompatibleKnowledgeBaseException} until the store is reopened with that embedder.
 */
final class CommitFollower implements SearcherAccess, Closeable {
    /** Where the index is now: its directory and a key that changes when it is replaced by another. */
    record Place(Directory directory, Object key) {}

    /** Finds the index each check; for a fixed directory it is always the same place. */
    @FunctionalInterface
    interface Locator {
        /**
         * @param current the place in use (null on the first call)
         * @return {@code current} when the index is still there, a new place when another index replaced it,
         *         or null when it is momentarily nowhere (a swap between its two renames)
         */
        Place locate(Place current) throws IOException;
    }

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
        if (place != old.place()) return openAt(place);
        long generation = SegmentInfos.getLastCommitGeneration(place.directory().listAll());
        if (generation == old.generation() || generation == -1) return old;
        DirectoryReader oldReader = (DirectoryReader) old.searcher().getIndexReader();
        DirectoryReader newer = DirectoryReader.openIfChanged(oldReader);
        if (newer == null) return old;
        return snapshot(newer, place, oldReader);
    }

    private Snapshot openAt(Place place) throws IOException {
        synchronized (directories) {
            if (!directories.contains(place.directory())) directories.add(place.directory());
        }
        return snapshot(DirectoryReader.open(place.directory()), place, null);
    }

    private Snapshot snapshot(DirectoryReader reader, Place place, IndexReader previous) throws IOException {
        try {
            IndexIdentity.check(reader.getIndexCommit().getUserData(), identity, location);
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
