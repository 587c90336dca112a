package io.knowhow.store.lucene;

import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.retrieval.ScoreFusion;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.TermQuery;
import java.util.HashMap;
import java.util.Map;

import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import org.apache.lucene.analysis.Analyzer;
import io.knowhow.core.model.Chunk;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.VectorUtil;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static io.knowhow.store.lucene.IndexLayout.CONTENT;
import static io.knowhow.store.lucene.IndexLayout.VECTOR;

/**
 * The three ways of ranking chunks on one searcher: BM25, dense (graph search, exact cosines) and hybrid
 * (both at once, fused).
 *
 * <p>BM25 builds its query with Lucene's {@link QueryBuilder} on the analyzed text, never with a query
 * parser, so a user's {@code C++ (foo} is words, not syntax. DENSE collects at least
 * {@link LuceneStoreOptions#denseCandidates()} neighbours from the graph, rescoring those of a quantized segment with
 * the float vectors; its score is the cosine. HYBRID runs both at once and fuses their lists of {@code max(50, 5k)}
 * each by {@link LuceneStoreOptions#fusion()}; its score is the fused one. Filters are clauses of the query
 * (and the filter of the vector search), so the top-k is taken among matching chunks only. BM25 scores a
 * restricted reader's chunks with statistics over what that reader may read ({@link ReaderStatistics}).
 */
final class ChunkSearch implements Closeable {
    /** Fewest candidates each list brings to fusion; a short list would make fusion a coin toss. */
    static final int MIN_FUSION_CANDIDATES = 50;
    static final int FUSION_CANDIDATES_PER_HIT = 5;

    /** The name segments record for {@link VectorFormat#FLOAT32}'s vectors. */
    private static final String FLOAT_GRAPH = new Lucene99HnswVectorsFormat().getName();

    private static final TopDocs NO_DOCS = new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);

    private final LuceneStoreOptions options;
    private final Analyzer analyzer = IndexLayout.analyzer();
    private final QueryBuilder queryBuilder = new QueryBuilder(analyzer);
    /**
     * Runs one query's independent parts at once: the BM25 and vector halves of a hybrid search, and the
     * per-segment graph searches of a vector search (Lucene's {@code IndexSearcher} executor). Null on one
     * core, where it would only add hand-offs. Threads are daemons: an unclosed store does not hold the JVM.
     */
    private final ExecutorService pool = searchPool();
    private final ReaderStatistics statistics = new ReaderStatistics();

    ChunkSearch(LuceneStoreOptions options) {
        this.options = options;
    }

    /** Makes the searchers of each new commit, with this search's executor. */
    SearcherFactory searcherFactory() {
        return new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                return pool == null ? new IndexSearcher(reader) : new IndexSearcher(reader, pool);
            }
        };
    }

    /** The request's hits on {@code searcher}; the query vector is expected to have been checked. */
    List<Hit> retrieve(IndexSearcher searcher, SearchRequest request) throws IOException {
        // Where every chunk is public (most knowledge bases), a reader's restriction excludes nothing: leaving it out
        // spares the vector search a filter (a bitset over every chunk per query) and BM25 per-reader statistics.
        Reader reader = !request.filter().reader().seesAll() && everyChunkIsPublic(searcher.getIndexReader())
                ? Reader.unrestricted() : request.filter().reader();
        Query filter = FilterQueries.of(request.filter().withReader(reader));
        int k = request.k();
        return switch (request.mode()) {
            case BM25 -> hits(searcher, bm25(searcher, request.text(), filter, reader, k));
            case DENSE -> hits(searcher, dense(searcher, request.vector(), filter, k));
            case HYBRID -> {
                int n = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_FUSION_CANDIDATES, (long) FUSION_CANDIDATES_PER_HIT * k));
                // The two halves are independent: BM25 on another thread while this one walks the graph.
                CompletableFuture<TopDocs> lexical = pool == null
                        ? CompletableFuture.completedFuture(bm25(searcher, request.text(), filter, reader, n))
                        : CompletableFuture.supplyAsync(() -> {
                            try {
                                return bm25(searcher, request.text(), filter, reader, n);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }, pool);
                TopDocs semantic = dense(searcher, request.vector(), filter, n);
                yield hits(searcher, fuse(k, join(lexical), semantic));
            }
        };
    }

    /** The fused top {@code k} of the two lists by core's {@link ScoreFusion} (the Solr store fuses with the same numbers); ties to the lower document. */
    private TopDocs fuse(int k, TopDocs bm25, TopDocs dense) {
        List<ScoreFusion.Scored<Integer>> fused = options.fusion().fuse(k, scored(bm25), scored(dense));
        ScoreDoc[] docs = new ScoreDoc[fused.size()];
        for (int i = 0; i < docs.length; i++) docs[i] = new ScoreDoc(fused.get(i).id(), (float) fused.get(i).score());
        return new TopDocs(new TotalHits(docs.length, TotalHits.Relation.GREATER_THAN_OR_EQUAL_TO), docs);
    }

    private static List<ScoreFusion.Scored<Integer>> scored(TopDocs top) {
        List<ScoreFusion.Scored<Integer>> list = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) list.add(new ScoreFusion.Scored<>(sd.doc, sd.score));
        return list;
    }

    /**
     * True when no chunk document, live or deleted, lacks the public mark: then no reader can be kept from any chunk.
     * Deleted documents count too, which can only make this false (keep the filter), never wrongly true.
     */
    private static boolean everyChunkIsPublic(IndexReader reader) throws IOException {
        return reader.docFreq(new Term(IndexLayout.PUBLIC, IndexLayout.PUBLIC_VALUE))
                == reader.docFreq(new Term(IndexLayout.KIND, IndexLayout.KIND_CHUNK));
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdown();
        analyzer.close();
    }

    private TopDocs bm25(IndexSearcher searcher, String text, Query filter, Reader reader, int n) throws IOException {
        Map<Term, Integer> terms = analyze(text);
        if (terms.isEmpty()) return NO_DOCS; // nothing left after analysis: stop words or punctuation only
        int tokens = terms.values().stream().mapToInt(Integer::intValue).sum();
        Query words = terms.size() > SearchRequest.MAX_QUERY_TERMS || tokens > IndexSearcher.getMaxClauseCount()
                ? heaviestTerms(searcher, terms)
                : queryBuilder.createBooleanQuery(CONTENT, text);
        if (words == null) return NO_DOCS;
        // Scores from statistics over what this reader may read only: see ReaderStatistics.
        return statistics.searcherFor(searcher, reader, pool).search(FilterQueries.filtered(words, filter), n);
    }

    /**
     * A long text's query cut to the {@link SearchRequest#MAX_QUERY_TERMS} distinct terms, found in the index, that weigh
     * most: idf (from the index) times how often the text repeats the term, each term once with that weight as its boost. A question
     * of 1,100 words once failed with Lucene's "maxClauseCount is set to 1024"; it must be searched instead.
     */
    private static Query heaviestTerms(IndexSearcher searcher, Map<Term, Integer> counts) throws IOException {
        int docs = Math.max(1, searcher.getIndexReader().numDocs());
        Map<Term, Double> weight = new HashMap<>();
        for (Map.Entry<Term, Integer> e : counts.entrySet()) {
            int df = searcher.getIndexReader().docFreq(e.getKey());
            if (df == 0) continue; // a term no chunk holds adds to no score: it must not take a place from one that does
            weight.put(e.getKey(), e.getValue() * Math.log(1 + (docs - df + 0.5) / (df + 0.5)));
        }
        BooleanQuery.Builder kept = new BooleanQuery.Builder();
        weight.entrySet().stream()
                .sorted(Map.Entry.<Term, Double>comparingByValue().reversed().thenComparing(e -> e.getKey().text()))
                .limit(SearchRequest.MAX_QUERY_TERMS)
                .forEach(e -> kept.add(new BoostQuery(new TermQuery(e.getKey()), counts.get(e.getKey())), BooleanClause.Occur.SHOULD));
        return kept.build();
    }

    /** The text's terms as the index analyses them, with how often each occurs. */
    private Map<Term, Integer> analyze(String text) throws IOException {
        Map<Term, Integer> counts = new java.util.LinkedHashMap<>();
        try (org.apache.lucene.analysis.TokenStream ts = analyzer.tokenStream(CONTENT, text)) {
            org.apache.lucene.analysis.tokenattributes.CharTermAttribute term =
                    ts.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) counts.merge(new Term(CONTENT, term.toString()), 1, Integer::sum);
            ts.end();
        }
        return counts;
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
     * and makes every score an exact cosine, also in segments written with another vector format. A float
     * segment's scores are exact already and only change scale.
     * (Lucene's {@code RescoreTopNQuery} does the same, but fails when there are no candidates.)
     */
    private static TopDocs rescore(IndexSearcher searcher, TopDocs candidates, float[] query, int n) throws IOException {
        if (searcher.getIndexReader().leaves().stream().allMatch(ChunkSearch::scoredExactly)) {
            // Every score is exact already and the list is in Lucene's order (score, then document): rescale the first n.
            ScoreDoc[] top = new ScoreDoc[Math.min(n, candidates.scoreDocs.length)];
            for (int i = 0; i < top.length; i++) {
                ScoreDoc sd = candidates.scoreDocs[i];
                top[i] = new ScoreDoc(sd.doc, 2 * sd.score - 1);
            }
            return new TopDocs(candidates.totalHits, top);
        }
        ScoreDoc[] docs = candidates.scoreDocs.clone();
        Arrays.sort(docs, Comparator.comparingInt(sd -> sd.doc)); // vector iterators only move forward
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = null;
        FloatVectorValues values = null;
        KnnVectorValues.DocIndexIterator iterator = null;
        boolean exact = false;
        for (ScoreDoc sd : docs) {
            if (leaf == null || sd.doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                values = leaf.reader().getFloatVectorValues(VECTOR);
                iterator = values.iterator();
                exact = scoredExactly(leaf);
            }
            if (exact) { // the graph compared the float vectors themselves: undo Lucene's (1 + cosine) / 2
                sd.score = 2 * sd.score - 1;
                continue;
            }
            int found = iterator.advance(sd.doc - leaf.docBase);
            assert found == sd.doc - leaf.docBase : "a vector search returned a document without a vector";
            sd.score = VectorUtil.dotProduct(query, values.vectorValue(iterator.index()));
        }
        Arrays.sort(docs, Comparator.comparingDouble((ScoreDoc sd) -> -sd.score).thenComparingInt(sd -> sd.doc));
        return new TopDocs(candidates.totalHits, docs.length <= n ? docs : Arrays.copyOf(docs, n));
    }

    /**
     * True when the segment's graph holds the float vectors ({@link VectorFormat#FLOAT32}): its search already scored
     * every candidate by the exact dot product, and reading each candidate's vector again to rescore it cost ~0.2 ms a
     * query at 200 candidates (measured, 100k chunks). Segments of a quantized format are rescored. A segment without
     * vectors (only source and change documents, as a delete's commit writes) brings no candidate to rescore.
     */
    private static boolean scoredExactly(LeafReaderContext leaf) {
        FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(VECTOR);
        return field == null || FLOAT_GRAPH.equals(field.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
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

    private static List<Hit> hits(IndexSearcher searcher, TopDocs top) throws IOException {
        ScoreDoc[] docs = top.scoreDocs;
        Chunk[] chunks = ChunkRecords.read(searcher, docs);
        List<Hit> hits = new ArrayList<>(docs.length);
        for (int i = 0; i < docs.length; i++) hits.add(new Hit(chunks[i], docs[i].score));
        return hits;
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
}
