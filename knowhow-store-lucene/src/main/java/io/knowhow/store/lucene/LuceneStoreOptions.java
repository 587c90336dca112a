package io.knowhow.store.lucene;

import io.knowhow.core.retrieval.ScoreFusion;
import java.util.Objects;

/**
 * Tuning of a {@link LuceneKnowledgeStore}.
 *
 * <p>{@link #DEFAULTS} come from {@code io.knowhow.bench.VectorFormatBench}: 100,000 synthetic clustered
 * 384-dimensional unit vectors (3 segments), 500 queries, k=10, recall against brute force, through the
 * store's API. Recall is deterministic; p50 latency is the range over two or three runs on a shared
 * 2-core machine, where it moved by up to 70%:
 *
 * <pre>
 * format   candidates  recall@10  p50 ms    index MB
 * FLOAT32          50      0.799  1.2-1.3     163
 * FLOAT32         100      0.894  1.7-2.3     163
 * FLOAT32         200      0.955  2.5-2.8     163
 * INT8            200      0.954  2.9-4.1     203
 * INT4            200      0.952  3.0-5.3     184
 * BINARY          200      0.925  2.2-2.5     169
 * </pre>
 *
 * <p>Because candidates are rescored with the float vectors, the 8- and 4-bit formats lose almost no
 * recall (0.3 points at most), but neither were they faster while the vectors fit in memory, and they
 * take more disk (they keep the floats as well). Hence FLOAT32; {@link VectorFormat#INT4} is the choice for a knowledge base whose
 * vectors outgrow memory, since the graph search then reads an eighth of the bytes (not measured here).
 * 200 candidates buy six points of recall over 100 for about a millisecond.
 *
 * <p>Re-measured 2026-11-30 on a quiet machine (the same bench, FLOAT32; the index now ends with 6 segments), with
 * the graph's construction and the segment count varied (docs/benchmarks.md, "Dense search at 100k: graph and
 * segments"): Lucene's M=16/beam 100 gives recall@10 0.876 / 0.939 / 0.979 at 50 / 100 / 200 candidates (p50 1.8 /
 * 2.3 / 2.4 ms); M=32/beam 200 gives 0.968 / 0.989 / 0.998 (1.9 / 2.9 / 3.6 ms) for 1.8x the graph-building time;
 * force-merging to one segment is faster per candidate but loses more recall than it saves time (M=16: 0.904 at
 * 200 candidates, 1.6 ms). Defaults unchanged: M=32 at 100 candidates would buy one point of recall for 0.4 ms
 * more and twice the graph building, and nothing here is faster than the default at its recall.
 *
 * @param vectorFormat    how vectors are kept in the HNSW graph
 * @param denseCandidates how many neighbours a dense search collects before keeping the best k (at least
 *                        k). Lucene uses this number as the search's beam width too, so it is the knob
 *                        between recall and latency; all of them are rescored with the float vectors.
 * @param fusion          how hybrid search merges the BM25 and vector lists (see {@link ScoreFusion}); a
 *                        search setting only, so one index can be opened with any
 * @param graph           how the HNSW graph of segments written from now on is built (Lucene's M and beam width)
 */
public record LuceneStoreOptions(VectorFormat vectorFormat, int denseCandidates, ScoreFusion fusion, Graph graph) {
    /**
     * HNSW construction: {@code maxConn} neighbours per node (Lucene's M) and {@code beamWidth} candidates while
     * inserting. Lucene's defaults, 16 and 100, are kept by {@link #DEFAULTS}; VectorFormatBench measures others.
     */
    public record Graph(int maxConn, int beamWidth) {
        public static final Graph LUCENE_DEFAULT = new Graph(16, 100);

        public Graph {
            if (maxConn < 2 || maxConn > 512) throw new IllegalArgumentException("HNSW maxConn must be between 2 and 512, got " + maxConn);
            if (beamWidth < 1 || beamWidth > 3200) throw new IllegalArgumentException("HNSW beamWidth must be between 1 and 3200, got " + beamWidth);
        }
    }

    /** Most one search may ask Lucene for; far past the point where more candidates stop helping. */
    static final int MAX_CANDIDATES = 10_000;

    /**
     * Relative-score fusion at equal weights. {@code bench/run FusionBench} (docs/benchmarks.md): the only
     * fusion in the grid that beats BM25 on every metric of all three public sets — SQuAD v1.1 recall@1
     * 0.786 vs BM25 0.766 (weighted RRF 0.747), SQuAD 2.0 0.875 vs 0.820 (RRF 0.834), SciFact nDCG@10 0.728
     * vs 0.674 (RRF 0.727). Equal weights rather than the grid's best per set, so the choice is not fitted
     * to the test questions.
     */
    static final ScoreFusion DEFAULT_FUSION = ScoreFusion.DEFAULT;

    public static final LuceneStoreOptions DEFAULTS = new LuceneStoreOptions(VectorFormat.FLOAT32, 200, DEFAULT_FUSION);

    public LuceneStoreOptions(VectorFormat vectorFormat, int denseCandidates) {
        this(vectorFormat, denseCandidates, DEFAULT_FUSION);
    }

    public LuceneStoreOptions(VectorFormat vectorFormat, int denseCandidates, ScoreFusion fusion) {
        this(vectorFormat, denseCandidates, fusion, Graph.LUCENE_DEFAULT);
    }

    public LuceneStoreOptions {
        Objects.requireNonNull(vectorFormat, "vectorFormat");
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(graph, "graph");
        if (denseCandidates < 1 || denseCandidates > MAX_CANDIDATES)
            throw new IllegalArgumentException(
                    "denseCandidates must be between 1 and " + MAX_CANDIDATES + ", got " + denseCandidates);
    }

    public LuceneStoreOptions withVectorFormat(VectorFormat format) {
        return new LuceneStoreOptions(format, denseCandidates, fusion, graph);
    }

    public LuceneStoreOptions withDenseCandidates(int candidates) {
        return new LuceneStoreOptions(vectorFormat, candidates, fusion, graph);
    }

    public LuceneStoreOptions withFusion(ScoreFusion f) {
        return new LuceneStoreOptions(vectorFormat, denseCandidates, f, graph);
    }

    public LuceneStoreOptions withGraph(Graph g) {
        return new LuceneStoreOptions(vectorFormat, denseCandidates, fusion, g);
    }
}
