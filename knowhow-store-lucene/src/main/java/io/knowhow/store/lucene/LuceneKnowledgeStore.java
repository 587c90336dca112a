package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.VectorUtil;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.knowhow.store.lucene.IndexLayout.ACCESS_GROUPS;
import static io.knowhow.store.lucene.IndexLayout.CONTENT;
import static io.knowhow.store.lucene.IndexLayout.KIND;
import static io.knowhow.store.lucene.IndexLayout.KIND_CHUNK;
import static io.knowhow.store.lucene.IndexLayout.KIND_SOURCE;
import static io.knowhow.store.lucene.IndexLayout.PUBLIC;
import static io.knowhow.store.lucene.IndexLayout.PUBLIC_VALUE;
import static io.knowhow.store.lucene.IndexLayout.SOURCE;
import static io.knowhow.store.lucene.IndexLayout.TAGS;
import static io.knowhow.store.lucene.IndexLayout.VECTOR;
import static io.knowhow.store.lucene.IndexLayout.sourceTerm;

/**
 * The embedded {@link KnowledgeStore}: one Lucene index in one directory holds the chunks (BM25 text and
 * HNSW vectors) and the manifest of sources, so that every write is a single Lucene commit. A process
 * killed during a write leaves the previous commit on disk, which the next open reads; the files the
 * interrupted write left behind are deleted then, so running the write again gives no duplicates.
 *
 * <p>Writes are serialized and visible to the next {@link #retrieve} when they return (the searcher is
 * refreshed after each commit). Reads run concurrently with each other and with writes. A write that
 * fails rolls the index back to its last commit and throws; the store stays usable.
 *
 * <h2>On-disk layout</h2>
 *
 * <p>A plain Lucene index (codec {@code Lucene104}; files, checksums and versions are Lucene's). Vectors
 * use the per-field format chosen by {@link LuceneStoreOptions#vectorFormat()}; Lucene records it per
 * segment, so any {@link VectorFormat} opens any index. The commit's user data identifies the index:
 *
 * <ul>
 *   <li>{@code knowhow.format}: the layout version below, {@value #FORMAT_VERSION}. Another version is
 *       refused with {@link IncompatibleKnowledgeBaseException}; no key at all means a Lucene index that
 *       knowhow did not write, refused with {@link KnowledgeBaseUnavailableException}.
 *   <li>{@code knowhow.embedder}: the embedder id the vectors come from.
 *   <li>{@code knowhow.dimension}: the vector length. Opening with another embedder id or dimension is
 *       refused with {@link IncompatibleKnowledgeBaseException}: the vectors would be meaningless.
 * </ul>
 *
 * <p>Each document is one of two kinds. A <b>chunk</b> document ({@code kind=chunk}):
 *
 * <ul>
 *   <li>{@code kind}: keyword {@code chunk}, indexed.
 *   <li>{@code source}: keyword, indexed and stored; the source key, the delete and filter term.
 *   <li>{@code id}: keyword, indexed and stored; {@link Chunk#id()}.
 *   <li>{@code ordinal}, {@code startChar}, {@code endChar}, {@code tokenCount}: stored ints.
 *   <li>{@code language}: stored ISO 639-1 code of the text's language, absent when unknown.
 *   <li>{@code text}: stored; the chunk text exactly as given.
 *   <li>{@code content}: indexed with {@link EnglishAnalyzer}, not stored; the headings (outermost first)
 *       then the text, so a question naming a section finds the chunks under it. BM25 searches this.
 *   <li>{@code headingPath}: stored, one value per heading, outermost first.
 *   <li>{@code tags}: keyword, indexed and stored, one value per tag.
 *   <li>{@code accessGroups}: keyword, indexed and stored, one value per group.
 *   <li>{@code public}: keyword {@code true}, indexed, present only when the chunk has no access groups;
 *       a reader-group filter matches it for every reader.
 *   <li>{@code vector}: float vector, {@link org.apache.lucene.index.VectorSimilarityFunction#DOT_PRODUCT
 *       DOT_PRODUCT} (vectors are L2-normalised, so dot product is cosine), HNSW graph.
 * </ul>
 *
 * <p>A <b>source</b> document ({@code kind=source}), one per source:
 *
 * <ul>
 *   <li>{@code kind}: keyword {@code source}, indexed.
 *   <li>{@code source}: keyword, indexed and stored; the same term as its chunks', which is why one
 *       delete-by-term replaces a source and all its chunks at once.
 *   <li>{@code contentHash}: stored string. {@code sizeBytes}: stored long. {@code chunkCount}: stored int.
 *   <li>{@code ingestedAt}: stored ISO-8601 instant ({@link java.time.Instant#toString()}), absent when null.
 *   <li>{@code sourceTags}, {@code sourceAccessGroups}: stored only, one value each. They have names of
 *       their own because Lucene requires a field name to be indexed alike in every document.
 * </ul>
 *
 * <p>Source documents have neither {@code content} nor {@code vector}, so searches never return them.
 *
 * <h2>Search</h2>
 *
 * <p>BM25 builds its query with Lucene's {@link QueryBuilder} on the analyzed text, never with a query
 * parser, so a user's {@code C++ (foo} is words, not syntax. DENSE collects at least
 * {@link LuceneStoreOptions#denseCandidates()} neighbours from the graph and rescores them with the float
 * vectors; its score is the cosine. HYBRID runs both at once and fuses their lists of {@code max(50, 5k)}
 * each by {@link LuceneStoreOptions#fusion()}; its score is the fused one. Filters are clauses of the query
 * (and the filter of the vector search), so the top-k is taken among matching chunks only.
 */
public final class LuceneKnowledgeStore implements KnowledgeStore {
    /** Version of the layout above, recorded in every commit. */
    public static final int FORMAT_VERSION = 1;

    static final String FORMAT_KEY = "knowhow.format";
    static final String EMBEDDER_KEY = "knowhow.embedder";
    static final String DIMENSION_KEY = "knowhow.dimension";

    /** Fewest candidates each list brings to fusion; a short list would make fusion a coin toss. */
    static final int MIN_FUSION_CANDIDATES = 50;
    static final int FUSION_CANDIDATES_PER_HIT = 5;

    /** Tolerance on the norm of stored and query vectors; embedders promise unit vectors. */
    private static final double NORM_TOLERANCE = 1e-2;
    private static final TopDocs NO_DOCS = new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);

    private final Directory directory;
    private final String location;
    private final String embedderId;
    private final int dimension;
    private final LuceneStoreOptions options;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final QueryBuilder queryBuilder = new QueryBuilder(analyzer);
    /**
     * Runs one query's independent parts at once: the BM25 and vector halves of a hybrid search, and the
     * per-segment graph searches of a vector search (Lucene's {@code IndexSearcher} executor). Null on one
     * core, where it would only add hand-offs. Threads are daemons: an unclosed store does not hold the JVM.
     */
    private final ExecutorService searchPool = searchPool();

    // Readers hold the read side while they use `searchers`; replacing writer and searchers (after a
    // failed write) and closing hold the write side. Writes themselves are serialized by `this`.
    private final ReadWriteLock engineLock = new ReentrantReadWriteLock();
    private IndexWriter writer;
    private SearcherManager searchers;
    private volatile boolean closed;
    /** Set when a failed write could not even be rolled back; the store then refuses all calls. */
    private volatile RuntimeException broken;

    private LuceneKnowledgeStore(Directory directory, String location, String embedderId, int dimension,
                                 LuceneStoreOptions options) {
        this.directory = directory;
        this.location = location;
        this.embedderId = embedderId;
        this.dimension = dimension;
        this.options = options;
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
            Map<String, String> data = org.apache.lucene.index.SegmentInfos.readLatestCommit(dir).getUserData();
            String id = data.get(EMBEDDER_KEY), dim = data.get(DIMENSION_KEY);
            if (id == null || dim == null) return Optional.empty();
            return Optional.of(new BuiltWith(id, Integer.parseInt(dim)));
        } catch (IOException | NumberFormatException e) {
            throw new KnowledgeBaseUnavailableException("Cannot read knowledge base " + indexDir.toAbsolutePath() + ": " + e, e);
        }
    }

    /** Opens the store in {@code indexDir} with {@link LuceneStoreOptions#DEFAULTS}. */
    public static LuceneKnowledgeStore open(Path indexDir, String embedderId, int dimension) {
        return open(indexDir, embedderId, dimension, LuceneStoreOptions.DEFAULTS);
    }

    /**
     * Opens the store in {@code indexDir}, creating the directory and an empty index when there is none.
     *
     * @param embedderId the id of the embedder whose vectors this store holds ({@code EmbedderInfo.id()})
     * @param dimension  the length of those vectors
     * @throws IncompatibleKnowledgeBaseException if the index was built with another embedder id,
     *                                            dimension or layout version
     * @throws KnowledgeBaseUnavailableException  if another process has it open, the directory holds files
     *                                            that are not a knowhow index, or the index is damaged
     */
    public static LuceneKnowledgeStore open(Path indexDir, String embedderId, int dimension, LuceneStoreOptions options) {
        Objects.requireNonNull(indexDir, "indexDir");
        Path dir = indexDir.toAbsolutePath().normalize();
        String location = dir.toString();
        Objects.requireNonNull(options, "options");
        checkIdentity(location, embedderId, dimension, options);
        prepareDirectory(dir);
        Directory directory;
        try {
            directory = FSDirectory.open(dir);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
        return open(directory, location, embedderId, dimension, options);
    }

    /**
     * Opens the store on a Lucene directory, which it then owns and closes. For tests that need to see
     * or break the file operations of a commit.
     *
     * @param location names the directory in messages
     */
    static LuceneKnowledgeStore open(Directory directory, String location, String embedderId, int dimension,
                                     LuceneStoreOptions options) {
        LuceneKnowledgeStore store = new LuceneKnowledgeStore(directory, location, embedderId, dimension, options);
        try {
            Objects.requireNonNull(options, "options");
            checkIdentity(location, embedderId, dimension, options);
            store.start();
            return store;
        } catch (RuntimeException e) {
            // A refused open must leave the directory as it found it: roll back, never commit on close.
            IOUtils.closeWhileHandlingException(store.searchers);
            if (store.searchPool != null) store.searchPool.shutdown();
            if (store.writer != null) {
                try {
                    store.writer.rollback();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            IOUtils.closeWhileHandlingException(directory, store.analyzer);
            throw e;
        }
    }

    @Override
    public synchronized void replaceSources(List<SourceUpdate> updates) {
        Objects.requireNonNull(updates, "updates");
        // Everything is checked before the writer sees the first document: a bad chunk must not leave
        // half a source in the writer's buffer.
        Map<String, List<Document>> blocks = new LinkedHashMap<>();
        for (SourceUpdate update : updates) {
            SourceRecord source = update.source();
            if (blocks.containsKey(source.source()))
                throw new IllegalArgumentException("Source " + source.source() + " appears twice in one batch of updates");
            List<Document> docs = new ArrayList<>(update.chunks().size() + 1);
            docs.add(IndexLayout.sourceDocument(source));
            Set<String> ids = new HashSet<>();
            for (EmbeddedChunk embedded : update.chunks()) {
                Chunk chunk = embedded.chunk();
                if (!chunk.source().equals(source.source()))
                    throw new IllegalArgumentException("Chunk " + chunk.id() + " belongs to source '" + chunk.source()
                            + "', not to '" + source.source() + "' which is being replaced");
                if (!ids.add(chunk.id()))
                    throw new IllegalArgumentException("Chunk id " + chunk.id() + " appears twice in source " + source.source());
                checkVector(embedded.vector(), "chunk " + chunk.id());
                docs.add(IndexLayout.chunkDocument(chunk, embedded.vector()));
            }
            blocks.put(source.source(), docs);
        }
        if (blocks.isEmpty()) return;
        String what = blocks.size() == 1 ? "replace source " + blocks.keySet().iterator().next() : "replace " + blocks.size() + " sources";
        // updateDocuments deletes by term and adds the block as one operation; the one commit makes the batch durable.
        write(what, w -> {
            for (Map.Entry<String, List<Document>> e : blocks.entrySet()) w.updateDocuments(sourceTerm(e.getKey()), e.getValue());
        });
    }

    @Override
    public synchronized boolean deleteSource(String source) {
        Objects.requireNonNull(source, "source");
        // Writes are serialized and refresh the searcher, so it shows the last commit here.
        boolean present = read(s -> s.count(new TermQuery(sourceTerm(source))) > 0);
        if (present) write("delete source " + source, w -> w.deleteDocuments(sourceTerm(source)));
        return present;
    }

    @Override
    public List<Hit> retrieve(SearchRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.mode() != SearchMode.BM25) checkVector(request.vector(), "the query vector");
        Query filter = filterQuery(request.filter());
        int k = request.k();
        return read(searcher -> switch (request.mode()) {
            case BM25 -> hits(searcher, bm25(searcher, request.text(), filter, k));
            case DENSE -> hits(searcher, dense(searcher, request.vector(), filter, k));
            case HYBRID -> {
                int n = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_FUSION_CANDIDATES, (long) FUSION_CANDIDATES_PER_HIT * k));
                // The two halves are independent: BM25 on another thread while this one walks the graph.
                CompletableFuture<TopDocs> lexical = searchPool == null
                        ? CompletableFuture.completedFuture(bm25(searcher, request.text(), filter, n))
                        : CompletableFuture.supplyAsync(() -> {
                            try {
                                return bm25(searcher, request.text(), filter, n);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }, searchPool);
                TopDocs semantic = dense(searcher, request.vector(), filter, n);
                yield hits(searcher, options.fusion().fuse(k, join(lexical), semantic));
            }
        });
    }

    @Override
    public List<SourceRecord> sources() {
        List<SourceRecord> sources = read(s -> all(s, new TermQuery(new Term(KIND, KIND_SOURCE)), IndexLayout::toSource));
        sources.sort(Comparator.comparing(SourceRecord::source));
        return sources;
    }

    @Override
    public Optional<SourceRecord> source(String source) {
        Objects.requireNonNull(source, "source");
        return read(s -> all(s, ofKind(KIND_SOURCE, source), IndexLayout::toSource)).stream().findFirst();
    }

    @Override
    public List<Chunk> chunks(String source) {
        Objects.requireNonNull(source, "source");
        List<Chunk> chunks = read(s -> all(s, ofKind(KIND_CHUNK, source), IndexLayout::toChunk));
        chunks.sort(Comparator.comparingInt(Chunk::ordinal));
        return chunks;
    }

    /** Closes the index; later calls throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        engineLock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            // Closing the writer waits for running merges and commits them. It commits no documents:
            // each write committed its own, and a failed one was rolled back at once.
            if (searchPool != null) searchPool.shutdown();
            IOUtils.close(searchers, writer, directory, analyzer);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not close knowledge base " + location + ": " + e.getMessage(), e);
        } finally {
            engineLock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "LuceneKnowledgeStore(" + location + ", " + embedderId + ", " + dimension + " dims, " + options + ")";
    }

    // ---- opening

    private static void checkIdentity(String location, String embedderId, int dimension, LuceneStoreOptions options) {
        if (embedderId == null || embedderId.isBlank())
            throw new IllegalArgumentException("Knowledge base " + location + ": the embedder id must not be blank");
        int max = options.vectorFormat().luceneFormat().getMaxDimensions(VECTOR);
        if (dimension < 1 || dimension > max)
            throw new IllegalArgumentException("Knowledge base " + location + ": vector dimension must be between 1 and "
                    + max + " for vector format " + options.vectorFormat() + ", got " + dimension);
    }

    /**
     * Creates the directory, or checks that an existing one holds nothing but Lucene files: pointed at a
     * folder of documents by mistake, the store must not scatter index files among them.
     */
    private static void prepareDirectory(Path dir) {
        String location = dir.toString();
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " is a file, not a directory: "
                    + "give the index directory of a knowledge base, or a new one");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> entries = Files.list(dir)) {
                Optional<String> foreign = entries.map(p -> p.getFileName().toString())
                        .filter(name -> !isLuceneFile(name) && !name.startsWith("."))
                        .sorted().findFirst();
                if (foreign.isPresent())
                    throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " is not a knowhow index: it holds "
                            + "other files (e.g. " + foreign.get() + "); give the index directory of a knowledge base, "
                            + "or an empty or new directory");
            }
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
    }

    private static boolean isLuceneFile(String name) {
        return IndexFileNames.CODEC_FILE_PATTERN.matcher(name).matches()
                || name.startsWith(IndexFileNames.SEGMENTS)
                || name.startsWith(IndexFileNames.PENDING_SEGMENTS)
                || name.equals(IndexWriter.WRITE_LOCK_NAME);
    }

    private void start() {
        engineLock.writeLock().lock();
        try {
            writer = new IndexWriter(directory, writerConfig());
            // The writer holds the lock now, so nobody else can create or change the index under us;
            // IndexWriter writes no commit by itself, so this tells a new index from an existing one.
            if (DirectoryReader.indexExists(directory)) {
                checkCommitData(commitData(writer));
            } else {
                writer.setLiveCommitData(Map.of(FORMAT_KEY, String.valueOf(FORMAT_VERSION), EMBEDDER_KEY, embedderId,
                        DIMENSION_KEY, String.valueOf(dimension)).entrySet());
                writer.commit();
            }
            searchers = new SearcherManager(writer, searcherFactory());
        } catch (LockObtainFailedException e) {
            throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " is in use by another knowhow "
                    + "process (it holds " + IndexWriter.WRITE_LOCK_NAME + "): stop that process, or use another --kb", e);
        } catch (IndexFormatTooNewException e) {
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " was written by a newer "
                    + "version of knowhow (Lucene index format too new: " + e.getMessage() + "): upgrade knowhow, "
                    + "or re-ingest into a new --kb", e);
        } catch (IndexFormatTooOldException e) {
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " was written by an older "
                    + "version of knowhow that this one cannot read (" + e.getMessage() + "): re-ingest into a new --kb", e);
        } catch (CorruptIndexException | EOFException | NoSuchFileException | FileNotFoundException e) {
            throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " is damaged (" + e.getMessage()
                    + "): restore the directory from a backup, or delete it and re-ingest", e);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        } finally {
            engineLock.writeLock().unlock();
        }
    }

    private IndexWriterConfig writerConfig() {
        return new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setCodec(codec(options.vectorFormat()));
    }

    private static Codec codec(VectorFormat format) {
        KnnVectorsFormat vectors = format.luceneFormat();
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

    private void checkCommitData(Map<String, String> data) {
        String format = data.get(FORMAT_KEY);
        if (format == null)
            throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " holds a Lucene index that knowhow "
                    + "did not write (its commit has no " + FORMAT_KEY + "): give knowhow its own directory");
        if (!format.equals(String.valueOf(FORMAT_VERSION)))
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " has store format " + format
                    + ", expected " + FORMAT_VERSION + ": re-ingest into a new --kb, or use the knowhow version that wrote it");
        String foundEmbedder = data.get(EMBEDDER_KEY);
        String foundDimension = data.get(DIMENSION_KEY);
        if (!embedderId.equals(foundEmbedder) || !String.valueOf(dimension).equals(foundDimension))
            throw new IncompatibleKnowledgeBaseException("Knowledge base " + location + " was built with another embedding "
                    + "model: expected '" + embedderId + "' (" + dimension + " dimensions), found '" + foundEmbedder + "' ("
                    + foundDimension + " dimensions); re-ingest into a new --kb, or run with the model it was built with");
    }


    // ---- writing

    @FunctionalInterface
    private interface WriteOp {
        void apply(IndexWriter writer) throws IOException;
    }

    /** Applies {@code op} and commits; on any failure rolls back to the last commit and rethrows. */
    private void write(String what, WriteOp op) {
        ensureUsable();
        try {
            op.apply(writer);
            writer.commit();
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
                writer = new IndexWriter(directory, writerConfig());
                searchers = new SearcherManager(writer, searcherFactory());
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
                broken = new IllegalStateException("Knowledge base " + location + " could not recover from a failed write ("
                        + cause.getMessage() + "); close it and open it again", cause);
            }
        } finally {
            engineLock.writeLock().unlock();
        }
    }

    private void ensureUsable() {
        if (closed) throw new IllegalStateException("Knowledge base " + location + " is closed");
        RuntimeException b = broken;
        if (b != null) throw new IllegalStateException(b.getMessage(), b);
    }

    private void checkVector(float[] vector, String what) {
        if (vector.length != dimension)
            throw new IllegalArgumentException("The vector of " + what + " has " + vector.length + " dimensions, but knowledge base "
                    + location + " holds " + dimension + "-dimensional vectors of embedder '" + embedderId + "'");
        double sumSquares = 0;
        for (float x : vector) sumSquares += (double) x * x;
        double norm = Math.sqrt(sumSquares);
        // NaN fails this comparison too, which is what we want.
        if (!(Math.abs(norm - 1) <= NORM_TOLERANCE))
            throw new IllegalArgumentException("The vector of " + what + " has L2 norm " + norm + "; knowledge base " + location
                    + " ranks by dot product and needs L2-normalised vectors");
    }

    // ---- reading

    @FunctionalInterface
    private interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T read(SearcherFunction<T> fn) {
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

    /** The result of a search half run on the pool; its IOException comes back as one. */
    private static TopDocs join(CompletableFuture<TopDocs> half) throws IOException {
        try {
            return half.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private SearcherFactory searcherFactory() {
        return new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(org.apache.lucene.index.IndexReader reader, org.apache.lucene.index.IndexReader previous) {
                return searchPool == null ? new IndexSearcher(reader) : new IndexSearcher(reader, searchPool);
            }
        };
    }

    private static ExecutorService searchPool() {
        int threads = Runtime.getRuntime().availableProcessors();
        if (threads < 2) return null;
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "knowhow-search-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private TopDocs bm25(IndexSearcher searcher, String text, Query filter, int n) throws IOException {
        Query words = queryBuilder.createBooleanQuery(CONTENT, text);
        if (words == null) return NO_DOCS; // nothing left after analysis: stop words or punctuation only
        return searcher.search(filtered(words, filter), n);
    }

    private TopDocs dense(IndexSearcher searcher, float[] vector, Query filter, int n) throws IOException {
        // Lucene allocates its queue for k up front; more candidates than documents only waste memory.
        int candidates = Math.min(Math.max(n, options.denseCandidates()), Math.max(1, searcher.getIndexReader().maxDoc()));
        TopDocs approximate = searcher.search(new KnnFloatVectorQuery(VECTOR, vector, candidates, filter), candidates);
        return rescore(searcher, approximate, vector, n);
    }

    /**
     * The best {@code n} of {@code candidates} by the exact dot product of their float vectors. Quantized
     * formats score the graph search approximately; rescoring recovers most of the recall lost to that,
     * and makes every score an exact cosine, also in segments written with another vector format.
     * (Lucene's {@code RescoreTopNQuery} does the same, but fails when there are no candidates.)
     */
    private static TopDocs rescore(IndexSearcher searcher, TopDocs candidates, float[] query, int n) throws IOException {
        ScoreDoc[] docs = candidates.scoreDocs.clone();
        Arrays.sort(docs, Comparator.comparingInt(sd -> sd.doc)); // vector iterators only move forward
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = null;
        FloatVectorValues values = null;
        KnnVectorValues.DocIndexIterator iterator = null;
        for (ScoreDoc sd : docs) {
            if (leaf == null || sd.doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                values = leaf.reader().getFloatVectorValues(VECTOR);
                iterator = values.iterator();
            }
            int found = iterator.advance(sd.doc - leaf.docBase);
            assert found == sd.doc - leaf.docBase : "a vector search returned a document without a vector";
            sd.score = VectorUtil.dotProduct(query, values.vectorValue(iterator.index()));
        }
        Arrays.sort(docs, Comparator.comparingDouble((ScoreDoc sd) -> -sd.score).thenComparingInt(sd -> sd.doc));
        return new TopDocs(candidates.totalHits, docs.length <= n ? docs : Arrays.copyOf(docs, n));
    }

    private static Query filtered(Query query, Query filter) {
        if (filter == null) return query;
        return new BooleanQuery.Builder().add(query, Occur.MUST).add(filter, Occur.FILTER).build();
    }

    /** The filter as a query matching the chunks that pass it; null when it lets everything pass. */
    private static Query filterQuery(Filter filter) {
        if (filter.isEmpty()) return null;
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        if (!filter.sources().isEmpty()) all.add(anyOf(SOURCE, filter.sources()), Occur.FILTER);
        if (!filter.tags().isEmpty()) all.add(anyOf(TAGS, filter.tags()), Occur.FILTER);
        Reader reader = filter.reader();
        if (!reader.seesAll()) {
            Query isPublic = new TermQuery(new Term(PUBLIC, PUBLIC_VALUE));
            Query readable = reader.groups().isEmpty() ? isPublic : new BooleanQuery.Builder()
                    .add(isPublic, Occur.SHOULD)
                    .add(anyOf(ACCESS_GROUPS, reader.groups()), Occur.SHOULD)
                    .build();
            all.add(readable, Occur.FILTER);
        }
        return all.build();
    }

    private static Query anyOf(String field, Collection<String> values) {
        return new TermInSetQuery(field, values.stream().map(BytesRef::new).toList());
    }

    private static Query ofKind(String kind, String source) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, kind)), Occur.FILTER)
                .add(new TermQuery(sourceTerm(source)), Occur.FILTER)
                .build();
    }

    private static List<Hit> hits(IndexSearcher searcher, TopDocs top) throws IOException {
        StoredFields stored = searcher.storedFields();
        List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) hits.add(new Hit(IndexLayout.toChunk(stored.document(sd.doc)), sd.score));
        return hits;
    }

    private static <T> List<T> all(IndexSearcher searcher, Query query, Function<Document, T> mapper) throws IOException {
        int count = searcher.count(query);
        List<T> result = new ArrayList<>(count);
        if (count == 0) return result;
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc sd : searcher.search(query, count).scoreDocs) result.add(mapper.apply(stored.document(sd.doc)));
        return result;
    }
}
