package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.VectorSource;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Lucene store opened for reading: searches and the manifest of the last commit, without an
 * {@code IndexWriter}, without the writer's lock, and without writing a byte — so any number of readers
 * (processes or threads) work beside one writer, and a reader works on a read-only copy of an index.
 *
 * <p>Later commits of the writer become visible as they appear (see {@link CommitFollower} for the
 * refresh policy: by default a cheap check before every read). Each search runs on one commit, so it
 * sees every source either wholly before or wholly after a replacement, never a mix.
 *
 * <p>Thread-safe. Close it to release the index files.
 */
public final class LuceneReadableKnowledgeStore implements ReadableKnowledgeStore, VectorSource {
    /** How often a read checks for a newer commit by default: on every read (usually one {@code stat}, a few µs). */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ZERO;

    private final String location;
    private final StoreIdentity identity;
    private final ChunkSearch search;
    private final CommitFollower follower;
    private final IndexReads reads;

    private LuceneReadableKnowledgeStore(String location, StoreIdentity identity, ChunkSearch search, CommitFollower follower) {
        this.location = location;
        this.identity = identity;
        this.search = search;
        this.follower = follower;
        this.reads = new IndexReads(follower, search, identity, location);
    }

    /**
     * Opens the index in {@code indexDir} for reading, checking for newer commits on every read.
     *
     * @throws KnowledgeBaseUnavailableException  when there is no index there yet, it is damaged (segment
     *                                            files without a commit point included), or the directory
     *                                            holds other files
     * @throws IncompatibleKnowledgeBaseException when it was built with another embedder
     */
    public static LuceneReadableKnowledgeStore open(Path indexDir, StoreIdentity expected, LuceneStoreOptions options) {
        return open(indexDir, expected, options, DEFAULT_CHECK_INTERVAL);
    }

    /**
     * Like {@link #open(Path, StoreIdentity, LuceneStoreOptions)}, checking for newer commits at most once per
     * {@code checkInterval}: a busy server can trade that much staleness for the check's cost.
     */
    public static LuceneReadableKnowledgeStore open(Path indexDir, StoreIdentity expected, LuceneStoreOptions options,
                                                    Duration checkInterval) {
        Path dir = indexDir.toAbsolutePath().normalize();
        String location = dir.toString();
        if (!Files.isDirectory(dir)) throw IndexDirectory.noIndexYet(location);
        try {
            IndexDirectory.checkOnlyLuceneFiles(dir, location);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
        Directory directory;
        try {
            directory = FSDirectory.open(dir);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
        return open(fixed(directory, dir), location, expected, options, checkInterval, directory);
    }

    /**
     * Opens the index in {@code directory} for reading; the store then owns it. For tests that must see
     * every file operation (a directory that throws on any write proves that reading writes nothing).
     */
    static LuceneReadableKnowledgeStore open(Directory directory, String location, StoreIdentity expected,
                                             LuceneStoreOptions options, Duration checkInterval) {
        return open(fixed(directory), location, expected, options, checkInterval, directory);
    }

    /**
     * Opens the index wherever {@code locator} finds it (the provider's knowledge base, where swaps may move
     * it); {@code firstDirectory} is where it is now, closed on failure.
     */
    static LuceneReadableKnowledgeStore open(CommitFollower.Locator locator, String location, StoreIdentity expected,
                                             LuceneStoreOptions options, Duration checkInterval, Directory firstDirectory) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(options, "options");
        ChunkSearch search = new ChunkSearch(options);
        try {
            switch (IndexDirectory.state(firstDirectory.listAll())) {
                case NONE -> throw IndexDirectory.noIndexYet(location);
                case SEGMENTS_WITHOUT_COMMIT -> throw IndexDirectory.segmentsWithoutCommit(location);
                case COMMITTED -> { }
            }
            CommitFollower follower = CommitFollower.open(locator, location, expected, search.searcherFactory(), checkInterval);
            return new LuceneReadableKnowledgeStore(location, expected, search, follower);
        } catch (IOException e) {
            search.close();
            IOUtils.closeWhileHandlingException(firstDirectory);
            throw IndexDirectory.openFailure(e, location);
        } catch (RuntimeException e) {
            search.close();
            IOUtils.closeWhileHandlingException(firstDirectory);
            throw e;
        }
    }

    /** A directory that never moves; without its path, every check lists it. */
    private static CommitFollower.Locator fixed(Directory directory) {
        CommitFollower.Place place = new CommitFollower.Place(directory, directory, CommitFollower.Place.UNKNOWN);
        return current -> place;
    }

    /** A directory that never moves, whose modification time spares most checks the listing. */
    private static CommitFollower.Locator fixed(Directory directory, Path path) {
        return current -> {
            try {
                return new CommitFollower.Place(directory, path, Files.getLastModifiedTime(path).toMillis());
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            }
        };
    }

    @Override
    public List<Hit> retrieve(SearchRequest request) {
        return reads.retrieve(request);
    }

    @Override
    public List<SourceRecord> sources() {
        return reads.sources();
    }

    @Override
    public Optional<SourceRecord> source(String source) {
        return reads.source(source);
    }

    @Override
    public List<Chunk> chunks(String source) {
        return reads.chunks(source);
    }

    @Override
    public List<SourceChange> changes() {
        return reads.changes();
    }

    @Override
    public List<EmbeddedChunk> embeddedChunks(String source) {
        return reads.embeddedChunks(source);
    }

    /** Releases the index files; later calls throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public void close() {
        try {
            follower.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not close knowledge base " + location + ": " + e.getMessage(), e);
        } finally {
            search.close();
        }
    }

    @Override
    public String toString() {
        return "LuceneReadableKnowledgeStore(" + location + ", " + identity.embedderId() + ", " + identity.dimension() + " dims)";
    }
}
