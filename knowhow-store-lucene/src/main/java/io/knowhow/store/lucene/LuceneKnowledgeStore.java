package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceChange.Kind;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.VectorSource;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static io.knowhow.store.lucene.IndexLayout.KIND_SOURCE;
import static io.knowhow.store.lucene.IndexLayout.sourceTerm;

/**
 * The embedded {@link KnowledgeStore}: one Lucene index in one directory holds the chunks (BM25 text and
 * HNSW vectors) and the manifest of sources, so that every write is a single Lucene commit. A process
 * killed during a write leaves the previous commit on disk, which the next open reads; the files the
 * interrupted write left behind are deleted then, so running the write again gives no duplicates.
 *
 * <p>This is the writer: it holds the index's {@code write.lock} (and, opened through
 * {@link LuceneStoreProvider}, the knowledge base's {@code index.lock}) until closed, so there is one per
 * index; readers open a {@link LuceneReadableKnowledgeStore} instead, beside it. Writes are serialized and
 * visible to the next {@link #retrieve} when they return (the searcher is refreshed after each commit).
 * Reads run concurrently with each other and with writes. A write that fails rolls the index back to its
 * last commit and throws; the store stays usable. Each write also records its changes
 * ({@link #changes()}) in the same commit.
 *
 * <p>The on-disk layout is described field by field in {@link IndexLayout}; searching in
 * {@link ChunkSearch}.
 */
public final class LuceneKnowledgeStore implements KnowledgeStore, VectorSource {
    /** Version of the on-disk layout, recorded in every commit. */
    public static final int FORMAT_VERSION = IndexLayout.FORMAT_VERSION;

    private final String location;
    private final StoreIdentity identity;
    private final LuceneStoreOptions options;
    private final ChunkSearch search;
    private final IndexWrites writes;
    private final IndexReads reads;
    /** Whether writes add to the change history; a store built beside another carries that one's history over. */
    private boolean recordsChanges = true;
    /** Closed after the index; set by the provider. */
    private Closeable alsoClose;
    /** The sequence number of the last change written; guarded by {@code this}, like every write. */
    private long lastChangeSeq;

    private LuceneKnowledgeStore(String location, StoreIdentity identity, LuceneStoreOptions options, ChunkSearch search,
                                 IndexWrites writes) {
        this.location = location;
        this.identity = identity;
        this.options = options;
        this.search = search;
        this.writes = writes;
        this.reads = new IndexReads(writes, search, identity, location);
        this.lastChangeSeq = writes.read(IndexReads::lastChangeSeq);
    }

    /** Which embedder and dimension an index was built with, as recorded in its last commit. */
    public record BuiltWith(String embedderId, int dimension) {}

    /**
     * Reads the embedder an existing index was built with, without opening it for writing — so a caller
     * can tell a model change from damage, and open the old index to re-embed it.
     *
     * @return empty when {@code indexDir} holds no knowhow index
     */
    public static Optional<BuiltWith> builtWith(Path indexDir) {
        if (!Files.isDirectory(indexDir)) return Optional.empty();
        try (Directory dir = FSDirectory.open(indexDir)) {
            if (!DirectoryReader.indexExists(dir)) return Optional.empty();
            return IndexIdentity.read(SegmentInfos.readLatestCommit(dir).getUserData())
                    .map(id -> new BuiltWith(id.embedderId(), id.dimension()));
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot read knowledge base " + indexDir.toAbsolutePath() + ": " + e, e);
        }
    }

    /** Opens the store in {@code indexDir} with {@link LuceneStoreOptions#DEFAULTS}. */
    public static LuceneKnowledgeStore open(Path indexDir, String embedderId, int dimension) {
        return open(indexDir, embedderId, dimension, LuceneStoreOptions.DEFAULTS);
    }

    /**
     * Opens the store in {@code indexDir}, creating the directory and an empty index when there is none;
     * fails at once when another writer has it open.
     *
     * @param embedderId the id of the embedder whose vectors this store holds ({@code EmbedderInfo.id()})
     * @param dimension  the length of those vectors
     * @throws IncompatibleKnowledgeBaseException if the index was built with another embedder id,
     *                                            dimension or layout version
     * @throws KnowledgeBaseBusyException         if another writer has it open
     * @throws KnowledgeBaseUnavailableException  if the directory holds files that are not a knowhow index,
     *                                            or the index is damaged (segment files without a commit
     *                                            point are refused, never replaced)
     */
    public static LuceneKnowledgeStore open(Path indexDir, String embedderId, int dimension, LuceneStoreOptions options) {
        return open(indexDir, identity(indexDir, embedderId, dimension, options), options, Duration.ZERO);
    }

    /**
     * Opens the store in {@code indexDir} for writing, creating the directory and an empty index when there
     * is none. One writer at a time: when another holds the index, waits up to {@code wait} for it.
     * (Through {@link LuceneStoreProvider}, the knowledge base's own writer lock is taken first.)
     *
     * @throws KnowledgeBaseBusyException when another writer still holds the index after {@code wait}
     * @see #open(Path, String, int, LuceneStoreOptions)
     */
    public static LuceneKnowledgeStore open(Path indexDir, StoreIdentity identity, LuceneStoreOptions options, Duration wait) {
        Objects.requireNonNull(indexDir, "indexDir");
        return open(indexDir, indexDir.toAbsolutePath().normalize().toString(), identity, options, wait);
    }

    /** {@link #open(Path, StoreIdentity, LuceneStoreOptions, Duration)} naming the knowledge base {@code location} in messages. */
    static LuceneKnowledgeStore open(Path indexDir, String location, StoreIdentity identity, LuceneStoreOptions options, Duration wait) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(wait, "wait");
        Path dir = indexDir.toAbsolutePath().normalize();
        IndexIdentity.of(location, identity.embedderId(), identity.dimension(), options);
        IndexDirectory.prepareForWriting(dir, location);
        Directory directory;
        try {
            directory = FSDirectory.open(dir);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
        return open(directory, location, identity, options, wait);
    }

    /**
     * Opens the store on a Lucene directory, which it then owns and closes. For tests that need to see
     * or break the file operations of a commit.
     *
     * @param location names the directory in messages
     */
    static LuceneKnowledgeStore open(Directory directory, String location, String embedderId, int dimension,
                                     LuceneStoreOptions options) {
        StoreIdentity identity;
        try {
            Objects.requireNonNull(options, "options");
            identity = IndexIdentity.of(location, embedderId, dimension, options);
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(directory);
            throw e;
        }
        return open(directory, location, identity, options, Duration.ZERO);
    }

    private static LuceneKnowledgeStore open(Directory directory, String location, StoreIdentity identity,
                                             LuceneStoreOptions options, Duration wait) {
        ChunkSearch search = new ChunkSearch(options);
        IndexWrites writes = null;
        try {
            writes = IndexWrites.open(directory, location, identity, options, search.searcherFactory(), wait);
            return new LuceneKnowledgeStore(location, identity, options, search, writes);
        } catch (RuntimeException e) {
            if (writes != null) IOUtils.closeWhileHandlingException(writes);
            search.close();
            throw e;
        }
    }

    private static StoreIdentity identity(Path indexDir, String embedderId, int dimension, LuceneStoreOptions options) {
        Objects.requireNonNull(indexDir, "indexDir");
        Objects.requireNonNull(options, "options");
        return IndexIdentity.of(indexDir.toAbsolutePath().normalize().toString(), embedderId, dimension, options);
    }

    /** Makes {@link #close()} close {@code resource} too, last: the knowledge base's writer lock. */
    synchronized void closeWith(Closeable resource) {
        alsoClose = resource;
    }

    /**
     * Adds {@code history} to this (new, empty) store in one commit, and stops recording changes: a store built
     * beside another to re-embed the same sources carries that one's history instead of one "added" per source.
     */
    synchronized void carryOverHistory(List<SourceChange> history) {
        recordsChanges = false;
        if (history.isEmpty()) return;
        writes.write("carry over the change history", w -> {
            for (SourceChange change : history) w.addDocument(IndexLayout.changeDocument(++lastChangeSeq, change));
        });
    }

    @Override
    public synchronized void replaceSources(List<SourceUpdate> updates) {
        Objects.requireNonNull(updates, "updates");
        // Everything is checked before the writer sees the first document: a bad chunk must not leave
        // half a source in the writer's buffer.
        Map<String, SourceUpdate> bySource = new LinkedHashMap<>();
        for (SourceUpdate update : updates) {
            SourceRecord source = update.source();
            if (bySource.putIfAbsent(source.source(), update) != null)
                throw new IllegalArgumentException("Source " + source.source() + " appears twice in one batch of updates");
            Set<String> ids = new HashSet<>();
            for (EmbeddedChunk embedded : update.chunks()) {
                Chunk chunk = embedded.chunk();
                if (!chunk.source().equals(source.source()))
                    throw new IllegalArgumentException("Chunk " + chunk.id() + " belongs to source '" + chunk.source()
                            + "', not to '" + source.source() + "' which is being replaced");
                if (!ids.add(chunk.id()))
                    throw new IllegalArgumentException("Chunk id " + chunk.id() + " appears twice in source " + source.source());
                IndexIdentity.checkVector(embedded.vector(), "chunk " + chunk.id(), identity, location);
            }
        }
        writes.ensureUsable();
        if (bySource.isEmpty()) return;
        // Writes are serialized and refresh the searcher, so it shows the last commit here.
        Map<String, SourceRecord> previous = writes.read(s -> {
            Map<String, SourceRecord> found = new HashMap<>();
            for (String source : bySource.keySet())
                IndexReads.all(s, FilterQueries.ofKind(KIND_SOURCE, source), IndexLayout::toSource).forEach(r -> found.put(source, r));
            return found;
        });
        Instant now = Instant.now();
        Map<String, List<Document>> blocks = new LinkedHashMap<>();
        List<SourceChange> changes = new ArrayList<>();
        for (SourceUpdate update : bySource.values()) {
            SourceRecord source = update.source();
            SourceRecord before = previous.get(source.source());
            List<Document> docs = new ArrayList<>(update.chunks().size() + 1);
            docs.add(IndexLayout.sourceDocument(source.withFirstSeenAt(firstSeenAt(source, before))));
            for (EmbeddedChunk embedded : update.chunks()) docs.add(IndexLayout.chunkDocument(embedded.chunk(), embedded.vector()));
            blocks.put(source.source(), docs);
            changes.add(new SourceChange(now, source.source(), before == null ? Kind.ADDED : Kind.UPDATED, source.contentHash()));
        }
        String what = blocks.size() == 1 ? "replace source " + blocks.keySet().iterator().next() : "replace " + blocks.size() + " sources";
        // updateDocuments deletes by term and adds the block as one operation; the history goes into the same
        // commit, so the one commit makes the batch and its record durable together.
        writes.write(what, w -> {
            for (Map.Entry<String, List<Document>> e : blocks.entrySet()) w.updateDocuments(sourceTerm(e.getKey()), e.getValue());
            record(w, changes);
        });
    }

    /** The first version's instant wins; a replacement's own counts only when the store has none. */
    private static Instant firstSeenAt(SourceRecord update, SourceRecord before) {
        if (before != null && before.firstSeenAt() != null) return before.firstSeenAt();
        return update.firstSeenAt() != null ? update.firstSeenAt() : update.ingestedAt();
    }

    private void record(IndexWriter writer, List<SourceChange> changes) throws IOException {
        if (!recordsChanges) return;
        for (SourceChange change : changes) writer.addDocument(IndexLayout.changeDocument(++lastChangeSeq, change));
    }

    @Override
    public synchronized boolean deleteSource(String source) {
        Objects.requireNonNull(source, "source");
        // Writes are serialized and refresh the searcher, so it shows the last commit here.
        record Present(boolean any, Optional<SourceRecord> record) {}
        Present present = writes.read(s -> new Present(s.count(new TermQuery(sourceTerm(source))) > 0,
                IndexReads.all(s, FilterQueries.ofKind(KIND_SOURCE, source), IndexLayout::toSource).stream().findFirst()));
        if (!present.any()) return false;
        String hash = present.record().map(SourceRecord::contentHash).orElse("");
        writes.write("delete source " + source, w -> {
            w.deleteDocuments(sourceTerm(source));
            record(w, List.of(new SourceChange(Instant.now(), source, Kind.REMOVED, hash)));
        });
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: {@code IndexWriter.forceMergeDeletes} over every segment with a deleted document, then a
     * commit; the old segment files are deleted once no search of this store uses them. A read-only store
     * in another process keeps the old files open (not listed in the directory) until it refreshes.
     */
    @Override
    public synchronized void purgeDeleted() {
        writes.purgeDeleted();
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

    /** Closes the index; later calls throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        try {
            writes.close();
        } finally {
            search.close();
            IOUtils.closeWhileHandlingException(alsoClose);
            alsoClose = null;
        }
    }

    @Override
    public String toString() {
        return "LuceneKnowledgeStore(" + location + ", " + identity.embedderId() + ", " + identity.dimension() + " dims, " + options + ")";
    }
}
