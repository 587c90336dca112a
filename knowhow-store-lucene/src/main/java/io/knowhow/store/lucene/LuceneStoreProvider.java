package io.knowhow.store.lucene;

import io.knowhow.core.model.SourceChange;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreCheck;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreMaintenance;
import io.knowhow.core.port.StoreProvider;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link StoreProvider} of {@code store.kind: lucene}: the embedded store, kept in {@code KB/index}
 * (the directory layout, lock and swap states are described in {@link IndexLayout}). Registered with
 * {@link java.util.ServiceLoader}.
 *
 * <ul>
 *   <li>{@link #openForReading}: a {@link LuceneReadableKnowledgeStore} — no lock, no writes, sees later
 *       commits; any number at once, beside a writer.
 *   <li>{@link #openForWriting}: a {@link LuceneKnowledgeStore} holding the knowledge base's writer lock
 *       ({@code KB/index.lock}) until closed; a second writer waits for it up to its {@code wait}, then gets
 *       {@link KnowledgeBaseBusyException}.
 *   <li>{@link #buildBeside}: a new index in {@code KB/index.reindex}, built while holding the writer lock
 *       (no ingest interleaves), carrying over the change history, swapped in by renames.
 *   <li>{@link #check}: Lucene's CheckIndex plus knowhow's rules, read-only; {@link #backup}: a verified copy
 *       of the last commit while readers keep serving (docs/operations.md).
 * </ul>
 *
 * <p>Every open first completes or undoes a swap or build that a killed process left half done (a reader
 * only when no writer is running; otherwise it reads the last complete index as it is).
 *
 * <p>Settings read from {@link StoreLocation#settings()}: {@value #VECTOR_FORMAT} ({@code float32}, {@code int8},
 * {@code int7}, {@code int4}, {@code binary}; segments written from now on), {@value #DENSE_CANDIDATES}
 * (1–10000), {@value #READER_CHECK_MS} (how often a reader looks for a newer commit, in milliseconds; 0, the
 * default, checks before every read).
 */
public final class LuceneStoreProvider implements StoreProvider, StoreMaintenance {
    /** The {@code store.kind} of this provider. */
    public static final String KIND = "lucene";
    /** Setting: how vectors are kept in the graph ({@link VectorFormat}), for segments written from now on. */
    public static final String VECTOR_FORMAT = "store.vector-format";
    /** Setting: neighbours a dense search collects before keeping the best k ({@link LuceneStoreOptions#denseCandidates()}). */
    public static final String DENSE_CANDIDATES = "store.dense-candidates";
    /** Setting: how often, in milliseconds, a reader looks for a newer commit; 0 (default): before every read. */
    public static final String READER_CHECK_MS = "store.reader-check-ms";

    /** For {@link java.util.ServiceLoader}. */
    public LuceneStoreProvider() {}

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Optional<StoreIdentity> existing(StoreLocation location) {
        Path kbDir = location.kbDir();
        String name = kbDir.toString();
        Path index = Files.isDirectory(kbDir) ? IndexSwap.readable(kbDir) : null;
        if (index == null) return Optional.empty();
        try (Directory dir = FSDirectory.open(index)) {
            switch (IndexDirectory.state(dir.listAll())) {
                case NONE -> {
                    return Optional.empty();
                }
                case SEGMENTS_WITHOUT_COMMIT -> throw IndexDirectory.segmentsWithoutCommit(name);
                case COMMITTED -> { }
            }
            Map<String, String> data = SegmentInfos.readLatestCommit(dir).getUserData();
            if (!data.containsKey(IndexLayout.FORMAT_KEY))
                throw new KnowledgeBaseUnavailableException("Knowledge base " + name + " holds a Lucene index that knowhow "
                        + "did not write (its commit has no " + IndexLayout.FORMAT_KEY + "): give knowhow its own directory");
            return IndexIdentity.read(data);
        } catch (IOException e) {
            throw IndexDirectory.openFailure(e, name);
        }
    }

    @Override
    public boolean needsRebuild(StoreLocation location) {
        Path kbDir = location.kbDir();
        Path index = Files.isDirectory(kbDir) ? IndexSwap.readable(kbDir) : null;
        if (index == null) return false;
        try (Directory dir = FSDirectory.open(index)) {
            if (IndexDirectory.state(dir.listAll()) != IndexDirectory.State.COMMITTED) return false;
            return IndexIdentity.format(SegmentInfos.readLatestCommit(dir).getUserData()) < IndexLayout.FORMAT_VERSION;
        } catch (IOException e) {
            throw IndexDirectory.openFailure(e, kbDir.toString());
        }
    }

    @Override
    public LuceneReadableKnowledgeStore openForReading(StoreLocation location, StoreIdentity expected) {
        Objects.requireNonNull(expected, "expected");
        Path kbDir = location.kbDir();
        String name = kbDir.toString();
        LuceneStoreOptions options = options(location);
        if (!Files.isDirectory(kbDir)) throw IndexDirectory.noIndexYet(name);
        if (!IndexSwap.clean(kbDir)) recoverIfNoWriter(kbDir, name);
        Path index = IndexSwap.readable(kbDir);
        if (index == null) throw IndexDirectory.noIndexYet(name);
        Directory first;
        try {
            IndexDirectory.checkOnlyLuceneFiles(index, name);
            first = FSDirectory.open(index);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + name + ": " + e, e);
        }
        CommitFollower.Locator locator = new KnowledgeBaseLocator(kbDir, index, first);
        return LuceneReadableKnowledgeStore.open(locator, name, expected, options, readerCheckInterval(location), first);
    }

    @Override
    public LuceneKnowledgeStore openForWriting(StoreLocation location, StoreIdentity expected, Duration wait) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(wait, "wait");
        Path kbDir = location.kbDir();
        String name = kbDir.toString();
        LuceneStoreOptions options = options(location);
        long start = System.nanoTime();
        Lock kbLock = lockKnowledgeBase(kbDir, wait, name);
        try {
            IndexSwap.recover(kbDir);
            LuceneKnowledgeStore store = LuceneKnowledgeStore.open(IndexSwap.index(kbDir), name, expected, options, left(wait, start));
            store.closeWith(kbLock);
            return store;
        } catch (IOException e) {
            IOUtils.closeWhileHandlingException(kbLock);
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + name + " for writing: " + e, e);
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(kbLock);
            throw e;
        }
    }

    @Override
    public StagedStore buildBeside(StoreLocation location, StoreIdentity identity, Duration wait) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(wait, "wait");
        Path kbDir = location.kbDir();
        String name = kbDir.toString();
        LuceneStoreOptions options = options(location);
        Lock kbLock = lockKnowledgeBase(kbDir, wait, name);
        try {
            IndexSwap.recover(kbDir);
            List<SourceChange> history = history(IndexSwap.index(kbDir));
            LuceneKnowledgeStore staged = LuceneKnowledgeStore.open(IndexSwap.reindex(kbDir),
                    name + " (new index in " + IndexLayout.REINDEX_DIR + ")", identity, options, Duration.ZERO);
            try {
                staged.carryOverHistory(history);
            } catch (RuntimeException e) {
                IOUtils.closeWhileHandlingException(staged::close);
                throw e;
            }
            return new LuceneStagedStore(kbDir, name, staged, kbLock);
        } catch (IOException e) {
            IOUtils.closeWhileHandlingException(kbLock);
            throw new KnowledgeBaseUnavailableException("Cannot build a new index beside knowledge base " + name + ": " + e, e);
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(kbLock);
            throw e;
        }
    }

    // ---- maintenance

    /**
     * {@inheritDoc}
     *
     * <p>Lucene's {@code CheckIndex} at integrity level (every file's checksum, every segment readable and
     * consistent), without the write lock and without writing; then knowhow's rules: the commit records
     * format and embedder, and every source's manifest entry counts exactly its stored chunks. Segment
     * files without a commit point are reported as a problem rather than thrown.
     */
    @Override
    public StoreCheck check(StoreLocation location) {
        Path kbDir = location.kbDir();
        String name = kbDir.toString();
        Path index = Files.isDirectory(kbDir) ? IndexSwap.readable(kbDir) : null;
        if (index == null) throw IndexDirectory.noIndexYet(name);
        try (Directory dir = FSDirectory.open(index)) {
            return switch (IndexDirectory.state(dir.listAll())) {
                case NONE -> throw IndexDirectory.noIndexYet(name);
                case SEGMENTS_WITHOUT_COMMIT -> new StoreCheck(false, 0, 0,
                        List.of(IndexDirectory.segmentsWithoutCommit(name).getMessage()));
                case COMMITTED -> IndexCheck.run(dir);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Could not check knowledge base " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Holds the knowledge base's writer lock while it copies the files of the last commit into
     * {@code TARGET/index} (through {@code TARGET/index.partial}, verified, then renamed), so no commit deletes
     * them meanwhile. Readers are not affected.
     */
    @Override
    public void backup(StoreLocation location, Path target, Duration wait) {
        Objects.requireNonNull(target, "target");
        Path kbDir = location.kbDir();
        String name = kbDir.toString();
        Path to = target.toAbsolutePath().normalize();
        try {
            if (!IndexBackup.usableTarget(to))
                throw new IllegalArgumentException("Cannot back knowledge base " + name + " up into " + to
                        + ": it exists and is not an empty directory; give a new directory");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot back knowledge base " + name + " up into " + to + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(kbDir) || IndexSwap.readable(kbDir) == null) throw IndexDirectory.noIndexYet(name);
        try (Lock kbLock = lockKnowledgeBase(kbDir, wait, name)) {
            IndexSwap.recover(kbDir);
            Path index = IndexSwap.index(kbDir);
            try (Directory dir = FSDirectory.open(index)) {
                switch (IndexDirectory.state(dir.listAll())) {
                    case NONE -> throw IndexDirectory.noIndexYet(name);
                    case SEGMENTS_WITHOUT_COMMIT -> throw IndexDirectory.segmentsWithoutCommit(name);
                    case COMMITTED -> { }
                }
            }
            IndexBackup.copy(index, to);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not back knowledge base " + name + " up into " + to + " (what was copied is in "
                    + to.resolve("index.partial") + ", not a usable backup): " + e.getMessage(), e);
        }
    }

    // ---- helpers

    /** The history of the index in {@code indexDir}, read without a lock (the caller holds the writer's); empty when none. */
    private static List<SourceChange> history(Path indexDir) throws IOException {
        if (!Files.isDirectory(indexDir)) return List.of();
        try (Directory dir = FSDirectory.open(indexDir)) {
            if (IndexDirectory.state(dir.listAll()) != IndexDirectory.State.COMMITTED) return List.of();
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                return IndexReads.history(new IndexSearcher(reader));
            }
        }
    }

    private static Lock lockKnowledgeBase(Path kbDir, Duration wait, String name) {
        if (Files.exists(kbDir) && !Files.isDirectory(kbDir))
            throw new KnowledgeBaseUnavailableException("Knowledge base " + name + " is a file, not a directory: give a "
                    + "knowledge base directory, or a new one");
        try {
            Files.createDirectories(kbDir);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot create knowledge base " + name + ": " + e, e);
        }
        return WriterLock.obtainForKnowledgeBase(kbDir, wait, name);
    }

    /** Finishes an interrupted swap for a reader, if no writer is running; a reader that cannot lock reads around it. */
    private static void recoverIfNoWriter(Path kbDir, String name) {
        Lock lock = WriterLock.tryObtainForKnowledgeBase(kbDir);
        if (lock == null) return;
        try {
            IndexSwap.recover(kbDir);
        } catch (IOException e) {
            // A read-only file system, say: IndexSwap.readable still finds the last complete index.
        } finally {
            IOUtils.closeWhileHandlingException(lock);
        }
    }

    private static Duration left(Duration wait, long startNanos) {
        Duration left = wait.minusNanos(System.nanoTime() - startNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    static LuceneStoreOptions options(StoreLocation location) {
        LuceneStoreOptions options = LuceneStoreOptions.DEFAULTS;
        Optional<String> format = location.setting(VECTOR_FORMAT);
        if (format.isPresent()) options = options.withVectorFormat(VectorFormat.parse(format.get()));
        Optional<String> candidates = location.setting(DENSE_CANDIDATES);
        if (candidates.isPresent()) options = options.withDenseCandidates(parseInt(DENSE_CANDIDATES, candidates.get()));
        return options;
    }

    private static Duration readerCheckInterval(StoreLocation location) {
        Optional<String> ms = location.setting(READER_CHECK_MS);
        if (ms.isEmpty()) return LuceneReadableKnowledgeStore.DEFAULT_CHECK_INTERVAL;
        int value = parseInt(READER_CHECK_MS, ms.get());
        if (value < 0) throw new IllegalArgumentException(READER_CHECK_MS + " must be 0 or more milliseconds, got " + value);
        return Duration.ofMillis(value);
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }

    /**
     * Finds the knowledge base's index for a reader each time it checks for news: one stat of {@code KB/index}
     * when nothing moved; a new place when a swap put another directory there.
     */
    private static final class KnowledgeBaseLocator implements CommitFollower.Locator {
        private final Path kbDir;
        private Path firstPath;
        private Directory firstDirectory;

        KnowledgeBaseLocator(Path kbDir, Path firstPath, Directory firstDirectory) {
            this.kbDir = kbDir;
            this.firstPath = firstPath;
            this.firstDirectory = firstDirectory;
        }

        @Override
        public CommitFollower.Place locate(CommitFollower.Place current) throws IOException {
            Path path = IndexSwap.index(kbDir);
            BasicFileAttributes attributes = attributes(path);
            if (attributes == null) {
                path = IndexSwap.readable(kbDir);
                if (path == null) return null;
                attributes = attributes(path);
                if (attributes == null) return null;
            }
            Object fileKey = attributes.fileKey();
            Object key = List.of(path, fileKey != null ? fileKey : attributes.creationTime());
            long modified = attributes.lastModifiedTime().toMillis();
            if (current != null && current.key().equals(key)) return new CommitFollower.Place(current.directory(), key, modified);
            if (firstDirectory != null && path.equals(firstPath)) {
                Directory d = firstDirectory;
                firstDirectory = null;
                firstPath = null;
                return new CommitFollower.Place(d, key, modified);
            }
            if (IndexDirectory.state(list(path)) != IndexDirectory.State.COMMITTED) return null;
            return new CommitFollower.Place(FSDirectory.open(path), key, modified);
        }

        /** The directory's attributes: the inode (where the file system has one) tells one directory from its replacement. */
        private static BasicFileAttributes attributes(Path path) throws IOException {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        private static String[] list(Path path) throws IOException {
            try (var files = Files.list(path)) {
                return files.map(p -> p.getFileName().toString()).toArray(String[]::new);
            }
        }
    }

    /** An index being built in {@code KB/index.reindex} while this holds the knowledge base's writer lock. */
    private static final class LuceneStagedStore implements StagedStore {
        private final Path kbDir;
        private final String name;
        private final LuceneKnowledgeStore staged;
        private final Lock kbLock;
        private boolean swapped;
        private boolean closed;

        LuceneStagedStore(Path kbDir, String name, LuceneKnowledgeStore staged, Lock kbLock) {
            this.kbDir = kbDir;
            this.name = name;
            this.staged = staged;
            this.kbLock = kbLock;
        }

        @Override
        public synchronized KnowledgeStore store() {
            if (closed || swapped)
                throw new IllegalStateException("The new index of knowledge base " + name + " was already "
                        + (swapped ? "swapped in: open the knowledge base for writing to change it" : "discarded"));
            return staged;
        }

        /**
         * {@inheritDoc}
         *
         * <p>Closes the staged store (its last commit is what goes live), then renames. The writer lock stays
         * held until {@link #close()}.
         */
        @Override
        public synchronized void swapIn() {
            if (closed) throw new IllegalStateException("The new index of knowledge base " + name + " was discarded");
            if (swapped) return;
            staged.close();
            try {
                IndexSwap.swap(kbDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not swap the new index of knowledge base " + name + " in (the next "
                        + "open completes or undoes the swap): " + e.getMessage(), e);
            }
            swapped = true;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                if (!swapped) {
                    staged.close();
                    IndexSwap.deleteTree(IndexSwap.reindex(kbDir));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete the discarded new index of knowledge base " + name
                        + " (the next open deletes it): " + e.getMessage(), e);
            } finally {
                IOUtils.closeWhileHandlingException(kbLock);
            }
        }
    }
}
