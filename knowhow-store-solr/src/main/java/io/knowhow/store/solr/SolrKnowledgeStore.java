package io.knowhow.store.solr;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.VectorSource;
import io.knowhow.core.retrieval.ScoreFusion.Scored;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.knowhow.store.solr.SolrLayout.CHUNK_FIELDS;
import static io.knowhow.store.solr.SolrLayout.CHUNK_ID;
import static io.knowhow.store.solr.SolrLayout.CONTENT;
import static io.knowhow.store.solr.SolrLayout.ID;
import static io.knowhow.store.solr.SolrLayout.KIND;
import static io.knowhow.store.solr.SolrLayout.KIND_CHUNK;
import static io.knowhow.store.solr.SolrLayout.KIND_SOURCE;
import static io.knowhow.store.solr.SolrLayout.ORDINAL;
import static io.knowhow.store.solr.SolrLayout.SOURCE;
import static io.knowhow.store.solr.SolrLayout.SOURCE_FIELDS;
import static io.knowhow.store.solr.SolrLayout.VECTOR;
import static io.knowhow.store.solr.SolrLayout.VERSION;

/**
 * The scale-out {@link KnowledgeStore}: a SolrCloud collection (behind an alias) holding the chunks (BM25 text
 * and HNSW vectors) and the manifest of sources, reached through SolrJ. The documents are described in the
 * configset's {@code schema.xml} and mapped by {@link SolrLayout}.
 *
 * <h2>Consistency</h2>
 *
 * <p>SolrCloud has no transaction over several documents, and a collection's shards and replicas open new
 * searchers each on their own. A replace therefore never changes chunks in place:
 *
 * <ol>
 *   <li>the new chunks are added under a fresh {@code version} (bulk, several batches in flight), invisible to
 *       searches, which only see chunks whose version is the one their source's manifest entry names;</li>
 *   <li>one update request then writes the manifest entries (each naming its source's new version), deletes the
 *       chunks of those sources with any other version, and commits (hard, waiting for the new searchers).</li>
 * </ol>
 *
 * <p>A source's manifest entry and chunks share a compositeId route, so they live on one shard, and every
 * replica changes a source from its old version to its new one with the one-document update of the entry: a
 * search, which sees one replica of each shard, sees the old chunks or the new ones, never a mix. A crash in
 * step 1 leaves unreferenced chunks, invisible and deleted by the next write of their source; a crash in step
 * 2 leaves each source old or new. Step 2 is idempotent and retried as a whole. Durable on return: the commit
 * is a hard one. Monotonic reads across replicas are not promised: for a moment after a commit, one replica may
 * already show the new version while another still shows the old.
 *
 * <h2>Search</h2>
 *
 * <p>As the embedded store: BM25 over {@code content} (headings and text, the EnglishAnalyzer chain) with user
 * text taken as words; DENSE collects {@link SolrStoreOptions#denseCandidates()} neighbours per shard and keeps
 * the best k, scored by cosine; HYBRID fetches both lists ({@code max(50, 5k)} each, at once) and fuses them with
 * {@link io.knowhow.core.retrieval.ScoreFusion} on chunk ids. Filters are {@code fq}s, which the kNN query also
 * takes as its pre-filter, so top-k is taken among matching chunks only. BM25 statistics are the collection's
 * (ExactStatsCache), not each shard's. Each search fetches ids, scores and fields in one pass
 * ({@code distrib.singlePass}), so one replica per shard answers it whole.
 *
 * <p>Thread-safe. Writes are serialized; a store opened for writing holds the knowledge base's writer lock
 * ({@link WriterLock}) until closed. A closed store refuses every call.
 */
public final class SolrKnowledgeStore implements KnowledgeStore, VectorSource {
    /** Version of the document layout, recorded in the collection's meta document. */
    public static final int FORMAT_VERSION = 1;

    static final int MIN_FUSION_CANDIDATES = 50;
    static final int FUSION_CANDIDATES_PER_HIT = 5;
    /** Rows per page when listing sources or chunks. */
    static final int PAGE = 1000;
    /** Most sources one delete-by-query names; keeps it under maxBooleanClauses. */
    static final int SOURCES_PER_DELETE = 256;

    private static final double NORM_TOLERANCE = 1e-2;

    private final SolrClient client;
    private final boolean ownsClient;
    private final String collection;
    private final StoreIdentity identity;
    private final SolrStoreOptions options;
    private final boolean writable;
    private final WriterLock lock;
    private final Retrier retrier;
    private final ExecutorService pool;
    private volatile boolean closed;

    /**
     * @param ownsClient whether {@link #close()} closes the client
     * @param writable   false for a store opened for reading: writes are refused
     * @param lock       the writer lock this store holds and releases on close; null when it holds none (a
     *                   reader, or a store built beside the current one, whose caller holds the lock)
     */
    SolrKnowledgeStore(SolrClient client, boolean ownsClient, String collection, StoreIdentity identity,
                       SolrStoreOptions options, boolean writable, WriterLock lock) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.collection = Objects.requireNonNull(collection, "collection");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.options = Objects.requireNonNull(options, "options");
        this.writable = writable;
        this.lock = lock;
        this.retrier = new Retrier(collection, options.retryBudget(), java.time.Duration.ofMillis(100));
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "knowhow-solr-" + collection + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The collection (or alias) this store reads and writes. */
    public String collection() {
        return collection;
    }

    public StoreIdentity identity() {
        return identity;
    }

    // ---- writing

    @Override
    public synchronized void replaceSources(List<SourceUpdate> updates) {
        Objects.requireNonNull(updates, "updates");
        ensureWritable();
        // Everything is checked before the first document leaves: a bad chunk must not leave half a batch behind.
        Map<String, String> versions = new LinkedHashMap<>();
        List<SolrInputDocument> chunks = new ArrayList<>();
        List<SolrInputDocument> entries = new ArrayList<>();
        List<SolrInputDocument> history = new ArrayList<>();
        Instant now = Instant.now();
        for (SourceUpdate update : updates) {
            SourceRecord source = update.source();
            if (versions.containsKey(source.source()))
                throw new IllegalArgumentException("Source " + source.source() + " appears twice in one batch of updates");
            String version = UUID.randomUUID().toString().replace("-", "");
            versions.put(source.source(), version);
            Set<String> ids = new HashSet<>();
            int index = 0;
            for (EmbeddedChunk embedded : update.chunks()) {
                Chunk chunk = embedded.chunk();
                if (!chunk.source().equals(source.source()))
                    throw new IllegalArgumentException("Chunk " + chunk.id() + " belongs to source '" + chunk.source()
                            + "', not to '" + source.source() + "' which is being replaced");
                if (!ids.add(chunk.id()))
                    throw new IllegalArgumentException("Chunk id " + chunk.id() + " appears twice in source " + source.source());
                checkVector(embedded.vector(), "chunk " + chunk.id());
                chunks.add(SolrLayout.chunkDocument(embedded, version, index++));
            }
            // The first-seen instant survives a replacement; the history says whether the source is new.
            Optional<SourceRecord> old = source(source.source());
            SourceRecord record = old.map(o -> source.withFirstSeenAt(o.firstSeenAt())).orElse(source);
            entries.add(SolrLayout.sourceDocument(record, version));
            // One nanosecond apart, so the history keeps the batch's order (pages come back in id order).
            history.add(SolrLayout.changeDocument(new SourceChange(now.plusNanos(history.size()), source.source(),
                    old.isPresent() ? SourceChange.Kind.UPDATED : SourceChange.Kind.ADDED, source.contentHash()), version));
        }
        if (versions.isEmpty()) return;
        String what = versions.size() == 1 ? "replace source " + versions.keySet().iterator().next() : "replace " + versions.size() + " sources";
        UpdateRequest flip = new UpdateRequest();
        if (chunks.size() <= options.batchDocs()) {
            // Small enough for one request: chunks and entries go out in one, each source's chunks before its entry.
            // CloudSolrClient keeps that order in the sub-request to their shard, and the shard's replicas apply it in
            // order, so a crash part-way leaves no entry without its chunks; visibility waits for the commit anyway.
            flip.add(chunks);
        } else {
            addInBatches(what, chunks);
        }
        if (lock != null) lock.ensureHeld();
        flip.add(entries);
        flip.add(history);
        List<String> sources = new ArrayList<>(versions.keySet());
        for (int from = 0; from < sources.size(); from += SOURCES_PER_DELETE) {
            List<String> group = sources.subList(from, Math.min(sources.size(), from + SOURCES_PER_DELETE));
            flip.deleteByQuery(KIND + ":" + KIND_CHUNK + " AND " + SolrQueries.anyOf(SOURCE, group)
                    + " AND NOT " + SolrQueries.anyOf(VERSION, group.stream().map(versions::get).toList()));
        }
        commitWith(what, flip);
    }

    @Override
    public synchronized boolean deleteSource(String source) {
        Objects.requireNonNull(source, "source");
        ensureWritable();
        Optional<SourceRecord> present = source(source);
        long docs = count(SOURCE + ":" + SolrQueries.quoted(source), SolrLayout.routeParam(source));
        if (docs > 0) {
            if (lock != null) lock.ensureHeld();
            UpdateRequest delete = new UpdateRequest();
            delete.deleteByQuery(SOURCE + ":" + SolrQueries.quoted(source));
            present.ifPresent(r -> delete.add(SolrLayout.changeDocument(new SourceChange(Instant.now(), source, SourceChange.Kind.REMOVED,
                    r.contentHash()), UUID.randomUUID().toString().replace("-", ""))));
            commitWith("delete source " + source, delete);
        }
        return present.isPresent();
    }

    /**
     * Rewrites the segments that hold deleted documents, so the text of deleted sources and of replaced versions is in
     * none of the collection's files (on every replica: the commit with expungeDeletes goes to each).
     */
    @Override
    public synchronized void purgeDeleted() {
        ensureWritable();
        if (lock != null) lock.ensureHeld();
        UpdateRequest purge = new UpdateRequest();
        purge.setParam("expungeDeletes", "true");
        commitWith("purge deleted documents", purge);
    }

    @Override
    public List<SourceChange> changes() {
        ensureOpen();
        SolrQuery q = new SolrQuery(KIND + ":" + SolrLayout.KIND_CHANGE);
        q.setFields(SolrLayout.CHANGE_FIELDS);
        List<SourceChange> changes = new ArrayList<>();
        page("read the change history", q, doc -> changes.add(SolrLayout.toChange(doc)));
        changes.sort(Comparator.comparing(SourceChange::at));
        return changes;
    }

    /**
     * Adds chunk documents in batches of {@link SolrStoreOptions#batchDocs()}, at most
     * {@link SolrStoreOptions#inFlight()} requests at once; each batch retried on its own. No commit: the
     * documents stay invisible until their sources' manifest entries name their version.
     */
    private void addInBatches(String what, List<SolrInputDocument> docs) {
        if (docs.isEmpty()) return;
        int batch = options.batchDocs();
        if (docs.size() <= batch) {
            retrier.call(what, () -> new UpdateRequest().add(docs).process(client, collection));
            return;
        }
        Semaphore slots = new Semaphore(options.inFlight());
        List<Future<?>> sent = new ArrayList<>();
        try {
            for (int from = 0; from < docs.size(); from += batch) {
                List<SolrInputDocument> part = docs.subList(from, Math.min(docs.size(), from + batch));
                slots.acquire();
                // A failed batch stops the sending at once rather than after the last one.
                for (Future<?> f : sent) if (f.isDone()) f.get();
                sent.add(pool.submit(() -> {
                    try {
                        retrier.call(what, () -> new UpdateRequest().add(part).process(client, collection));
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sent.forEach(f -> f.cancel(true));
            throw new IllegalStateException("Solr collection " + collection + ": interrupted while sending chunks to " + what, e);
        } catch (ExecutionException e) {
            sent.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("Solr collection " + collection + ": could not " + what + ": " + e.getCause(), e.getCause());
        }
    }

    /** Sends {@code request} with a hard commit that waits for the new searchers; retried as a whole. */
    private void commitWith(String what, UpdateRequest request) {
        request.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true);
        retrier.call(what, () -> request.process(client, collection));
    }

    private void checkVector(float[] vector, String what) {
        if (vector.length != identity.dimension())
            throw new IllegalArgumentException("The vector of " + what + " has " + vector.length + " dimensions, but knowledge base "
                    + "in Solr collection " + collection + " holds " + identity.dimension() + "-dimensional vectors of embedder '"
                    + identity.embedderId() + "'");
        double sumSquares = 0;
        for (float x : vector) sumSquares += (double) x * x;
        double norm = Math.sqrt(sumSquares);
        if (!(Math.abs(norm - 1) <= NORM_TOLERANCE))
            throw new IllegalArgumentException("The vector of " + what + " has L2 norm " + norm + "; Solr collection " + collection
                    + " ranks by inner product and needs L2-normalised vectors");
    }

    // ---- searching

    @Override
    public List<Hit> retrieve(SearchRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        if (request.mode() != SearchMode.BM25) checkVector(request.vector(), "the query vector");
        List<String> fqs = SolrQueries.filterQueries(request.filter());
        int k = request.k();
        return switch (request.mode()) {
            case BM25 -> bm25(request.text(), fqs, k, false);
            case DENSE -> dense(request.vector(), fqs, k, false);
            case HYBRID -> {
                int n = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_FUSION_CANDIDATES, (long) FUSION_CANDIDATES_PER_HIT * k));
                // Long lists (k > 20) carry ids and scores only; the fields of the k fused hits are fetched after.
                boolean idsOnly = n > MIN_FUSION_CANDIDATES * 2;
                CompletableFuture<List<Hit>> lexical = CompletableFuture.supplyAsync(() -> bm25(request.text(), fqs, n, idsOnly), pool);
                List<Hit> semantic = dense(request.vector(), fqs, n, idsOnly);
                List<Hit> words;
                try {
                    words = lexical.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw e;
                }
                List<Hit> fused = fuse(k, words, semantic);
                yield idsOnly ? withFields(fused) : fused;
            }
        };
    }

    /** The fused top {@code k}; scores rounded to float as the embedded store's are. */
    private List<Hit> fuse(int k, List<Hit> words, List<Hit> semantic) {
        Map<String, Chunk> byId = new HashMap<>();
        Function<List<Hit>, List<Scored<String>>> scored = hits -> hits.stream().map(h -> {
            byId.putIfAbsent(h.chunk().id(), h.chunk());
            return new Scored<>(h.chunk().id(), h.score());
        }).toList();
        List<Scored<String>> bm25 = scored.apply(words), dense = scored.apply(semantic);
        return options.fusion().fuse(k, bm25, dense).stream()
                .map(s -> new Hit(byId.get(s.id()), (float) s.score()))
                .toList();
    }

    private List<Hit> bm25(String text, List<String> fqs, int rows, boolean idsOnly) {
        SolrQuery q = new SolrQuery(SolrQueries.words(text));
        q.set("defType", "lucene");
        q.set("df", CONTENT);
        q.set("q.op", "OR");
        q.set("sow", false);
        return search("search (BM25)", q, fqs, rows, idsOnly, Hit::score);
    }

    private List<Hit> dense(float[] vector, List<String> fqs, int rows, boolean idsOnly) {
        int candidates = Math.max(rows, options.denseCandidates());
        SolrQuery q = new SolrQuery("{!knn f=" + VECTOR + " topK=" + candidates + "}" + SolrQueries.vector(vector));
        return search("search (vectors)", q, fqs, rows, idsOnly, hit -> cosine(hit.score()));
    }

    /**
     * The cosine behind a {@code maximum_inner_product} score: Lucene scores {@code 1 + dot} for a non-negative
     * dot product and {@code 1 / (1 - dot)} below zero (in float), so this is exact up to that float's rounding.
     */
    static double cosine(double score) {
        return (float) (score >= 1 ? score - 1 : 1 - 1 / score);
    }

    /**
     * One ranked list. {@code idsOnly}: the hits' chunks carry only their ids (chunk id, and the document id in
     * place of the source) until {@link #withFields} fills them in.
     */
    private List<Hit> search(String what, SolrQuery q, List<String> fqs, int rows, boolean idsOnly,
                             java.util.function.ToDoubleFunction<Hit> score) {
        q.setFilterQueries(fqs.toArray(String[]::new));
        q.setRows(rows);
        if (idsOnly) q.setFields(ID, CHUNK_ID, "score");
        else q.setFields(CHUNK_FIELDS, "score");
        q.set("distrib.singlePass", true);
        QueryResponse response = query(what, q);
        List<Hit> hits = new ArrayList<>(response.getResults().size());
        for (SolrDocument doc : response.getResults()) {
            Chunk chunk = idsOnly
                    ? new Chunk((String) doc.getFirstValue(CHUNK_ID), (String) doc.getFirstValue(ID), 0, "", null, 0, 0, 0, null, null)
                    : SolrLayout.toChunk(doc);
            Hit raw = new Hit(chunk, ((Number) doc.getFieldValue("score")).floatValue());
            hits.add(new Hit(raw.chunk(), score.applyAsDouble(raw)));
        }
        // Solr breaks score ties by shard and document order; a stable order by chunk id makes a result repeatable.
        hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(h -> h.chunk().id()));
        return hits;
    }

    /**
     * The hits with their chunks' fields, read by document id in one search (POSTed, so hundreds of ids fit). A
     * chunk replaced by a newer version of its source between the two searches is gone: its hit is dropped rather
     * than shown beside the new version's chunks.
     */
    private List<Hit> withFields(List<Hit> hits) {
        if (hits.isEmpty()) return hits;
        // Document ids are hex, '!' and '.': no comma, the terms parser's separator.
        SolrQuery q = new SolrQuery("{!terms f=" + ID + "}" + String.join(",", hits.stream().map(h -> h.chunk().source()).toList()));
        q.setRows(hits.size());
        q.setFields(ID, CHUNK_FIELDS);
        q.set("distrib.singlePass", true);
        Map<String, Chunk> byId = new HashMap<>();
        for (SolrDocument doc : query("read the hits' chunks", q).getResults())
            byId.put((String) doc.getFirstValue(ID), SolrLayout.toChunk(doc));
        List<Hit> full = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            Chunk chunk = byId.get(h.chunk().source());
            if (chunk != null) full.add(new Hit(chunk, h.score()));
        }
        return full;
    }

    private QueryResponse query(String what, SolrQuery q) {
        QueryRequest request = new QueryRequest(q, SolrRequest.METHOD.POST);
        return retrier.call(what, () -> complete(request.process(client, collection)));
    }

    /**
     * {@code response}, when it is whole. While a node goes down, a distributed search can come back without its
     * document list (SolrNodeLossIT saw it once in 1,780 queries) or marked partial: answering from it would drop
     * hits silently, so it fails as a passing unavailability, which the retrier retries.
     */
    static QueryResponse complete(QueryResponse response) {
        Object partial = response.getHeader() == null ? null : response.getHeader().get("partialResults");
        if (response.getResults() == null || Boolean.TRUE.equals(partial) || "true".equals(String.valueOf(partial)))
            throw new SolrException(SolrException.ErrorCode.SERVICE_UNAVAILABLE,
                    response.getResults() == null ? "the cluster answered without a document list" : "the cluster answered with partial results");
        return response;
    }

    private long count(String query, String route) {
        SolrQuery q = new SolrQuery(query);
        q.setRows(0);
        if (route != null) q.set("_route_", route);
        return query("count documents", q).getResults().getNumFound();
    }

    // ---- the catalog

    @Override
    public List<SourceRecord> sources() {
        ensureOpen();
        SolrQuery q = new SolrQuery(KIND + ":" + KIND_SOURCE);
        q.setFields(SOURCE_FIELDS);
        List<SourceRecord> sources = new ArrayList<>();
        page("list sources", q, doc -> sources.add(SolrLayout.toSource(doc)));
        sources.sort(Comparator.comparing(SourceRecord::source));
        return sources;
    }

    @Override
    public Optional<SourceRecord> source(String source) {
        Objects.requireNonNull(source, "source");
        ensureOpen();
        SolrQuery q = new SolrQuery(ID + ":" + SolrQueries.quoted(SolrLayout.sourceDocId(source)));
        q.setFields(SOURCE_FIELDS);
        q.set("_route_", SolrLayout.routeParam(source));
        q.setRows(1);
        List<SolrDocument> docs = query("read source " + source, q).getResults();
        return docs.isEmpty() ? Optional.empty() : Optional.of(SolrLayout.toSource(docs.getFirst()));
    }

    @Override
    public List<Chunk> chunks(String source) {
        Objects.requireNonNull(source, "source");
        ensureOpen();
        List<Chunk> chunks = new ArrayList<>();
        chunkDocuments(source, CHUNK_FIELDS, doc -> chunks.add(SolrLayout.toChunk(doc)));
        return chunks;
    }

    @Override
    public List<EmbeddedChunk> embeddedChunks(String source) {
        Objects.requireNonNull(source, "source");
        ensureOpen();
        List<EmbeddedChunk> chunks = new ArrayList<>();
        chunkDocuments(source, CHUNK_FIELDS + "," + VECTOR,
                doc -> chunks.add(new EmbeddedChunk(SolrLayout.toChunk(doc), SolrLayout.toVector(doc))));
        return chunks;
    }

    /** The current chunks of one source, by ordinal, from its shard only. */
    private void chunkDocuments(String source, String fields, java.util.function.Consumer<SolrDocument> each) {
        SolrQuery q = new SolrQuery(SOURCE + ":" + SolrQueries.quoted(source));
        q.setFilterQueries(KIND + ":" + KIND_CHUNK, SolrQueries.CURRENT_CHUNKS);
        q.setFields(fields);
        q.set("_route_", SolrLayout.routeParam(source));
        q.addSort(ORDINAL, SolrQuery.ORDER.asc);
        page("read the chunks of " + source, q, each);
    }

    /** Every match of {@code q}, a page at a time (cursor paging, so deep pages cost no more than the first). */
    private void page(String what, SolrQuery q, java.util.function.Consumer<SolrDocument> each) {
        q.addSort(ID, SolrQuery.ORDER.asc);
        q.setRows(PAGE);
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = query(what, q);
            r.getResults().forEach(each);
            String next = r.getNextCursorMark();
            if (next == null || next.equals(cursor)) return;
            cursor = next;
        }
    }

    // ---- lifecycle

    /** Closes the store (and releases the writer lock); later calls throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        pool.shutdownNow();
        try {
            if (lock != null) lock.close();
        } finally {
            if (ownsClient) {
                try {
                    client.close();
                } catch (IOException e) {
                    // nothing is lost: every write committed before it returned
                }
            }
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("Knowledge base in Solr collection " + collection + " is closed");
    }

    private void ensureWritable() {
        ensureOpen();
        if (!writable)
            throw new IllegalStateException("Knowledge base in Solr collection " + collection + " was opened for reading: open it for writing to change it");
    }

    @Override
    public String toString() {
        return "SolrKnowledgeStore(" + collection + ", " + identity.embedderId() + ", " + identity.dimension() + " dims, " + options.fusion() + ")";
    }
}
