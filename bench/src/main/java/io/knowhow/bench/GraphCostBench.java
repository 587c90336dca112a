package io.knowhow.bench;

import io.knowhow.store.lucene.VectorFormat;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What one query's graph search costs, in Lucene's own units, under the store: how many vectors the HNSW search
 * visits (scores) for a given recall, and what one visit costs on this machine. {@link VectorFormatBench} measures
 * the store end to end; this tells why its dense search takes what it takes, and what a faster one would need.
 *
 * <p>Takes {@link VectorFormatBench}'s flags and data ({@code --formats}, {@code --candidates}, {@code --hnsw-m},
 * {@code --hnsw-beam}, {@code --real DIR}, {@code --seed}, {@code --docs}, {@code --queries}). The index is plain
 * Lucene with the store's vector formats, committed every 10,000 vectors as ingest commits each source, so it ends
 * with the store's segment count. Each segment is searched in turn on one thread with {@code k} = candidates, as
 * {@code LeafReader.searchNearestVectors} does (whose total hits are the vectors visited); the hits of every segment
 * are merged, quantized ones rescored with their float vectors as the store does, and the top 10 compared with brute
 * force. The store searches the segments on two threads with Lucene's optimistic per-segment k, so it visits fewer
 * vectors than this for the same candidates: the visits and the cost of each are what this measures.
 *
 * <p>Then the memory probe: the time of one {@code VectorUtil.dotProduct} of two {@code dim}-float vectors with the
 * document in L1 cache, read in sequence through the 100,000, and picked at random among them, which is how a graph
 * search reads them.
 */
public final class GraphCostBench {
    private static final String FIELD = "v";
    private static final String ID = "id";

    public static void main(String[] args) throws IOException {
        VectorFormatBench.Config config = VectorFormatBench.Config.parse(args);
        VectorFormatBench.Vectors data = config.real() != null ? VectorFormatBench.Vectors.real(config) : VectorFormatBench.Vectors.generate(config);
        int[][] exact = VectorFormatBench.exactTopK(data.docs(), data.queries(), config.k());
        System.out.printf(Locale.ROOT, "%d docs, %d queries, %d dims, k=%d, HNSW M=%d beam=%d, %s, seed %d, Java %s%n", config.docs(),
                config.queries(), config.dim(), config.k(), config.graph().maxConn(), config.graph().beamWidth(),
                config.real() != null ? "real MiniLM embeddings, noise " + config.noise() : "synthetic clustered", config.seed(), Runtime.version());
        System.out.printf(Locale.ROOT, "%n%-8s %8s %10s %8s %12s %12s %12s%n", "format", "segments", "candidates", "recall", "visited/query",
                "ms/query", "ns/visited");
        for (VectorFormat format : config.formats()) {
            Path dir = config.dir().resolve("graph-cost-" + format.name().toLowerCase(Locale.ROOT));
            build(dir, format, config, data);
            try (FSDirectory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
                for (int candidates : config.candidates()) {
                    Cost cost = null;
                    // The first pass warms the JIT and the page cache; the second is the one reported.
                    for (int pass = 0; pass < 2; pass++) cost = measure(reader, format, data, exact, candidates, config.k());
                    System.out.printf(Locale.ROOT, "%-8s %8d %10d %8.4f %12.0f %12.3f %12.0f%n", format, reader.leaves().size(), candidates,
                            cost.recall(), cost.visitedPerQuery(), cost.millisPerQuery(), cost.nanosPerVisit());
                }
            }
            VectorFormatBench.deleteRecursively(dir);
        }
        memoryProbe(data.docs());
    }

    record Cost(double recall, double visitedPerQuery, double millisPerQuery, double nanosPerVisit) {}

    private static void build(Path dir, VectorFormat format, VectorFormatBench.Config config, VectorFormatBench.Vectors data) throws IOException {
        KnnVectorsFormat vectors = format.luceneFormat(config.graph().maxConn(), config.graph().beamWidth());
        IndexWriterConfig iwc = new IndexWriterConfig().setCodec(new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return vectors;
            }
        });
        try (FSDirectory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, iwc)) {
            for (int i = 0; i < data.docs().length; i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField(FIELD, data.docs()[i], VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new NumericDocValuesField(ID, i));
                writer.addDocument(doc);
                if ((i + 1) % 10_000 == 0) writer.commit();
            }
        }
    }

    private static Cost measure(DirectoryReader reader, VectorFormat format, VectorFormatBench.Vectors data, int[][] exact, int candidates, int k)
            throws IOException {
        long visited = 0, nanos = 0;
        double recall = 0;
        int queries = data.queries().length;
        for (int q = 0; q < queries; q++) {
            long start = System.nanoTime();
            List<ScoreDoc> hits = new ArrayList<>();
            for (LeafReaderContext leaf : reader.leaves()) {
                LeafReader r = leaf.reader();
                TopDocs top = r.searchNearestVectors(FIELD, data.queries()[q], candidates, AcceptDocs.fromLiveDocs(r.getLiveDocs(), r.maxDoc()),
                        Integer.MAX_VALUE);
                visited += top.totalHits.value();
                if (format != VectorFormat.FLOAT32) rescore(leaf, top, data.queries()[q]);
                for (ScoreDoc sd : top.scoreDocs) hits.add(new ScoreDoc(sd.doc + leaf.docBase, sd.score));
            }
            hits.sort(Comparator.comparingDouble((ScoreDoc sd) -> -sd.score).thenComparingInt(sd -> sd.doc));
            nanos += System.nanoTime() - start;
            Set<Integer> truth = new HashSet<>();
            for (int doc : exact[q]) truth.add(doc);
            int found = 0;
            for (int i = 0; i < Math.min(k, hits.size()); i++) if (truth.contains(id(reader, hits.get(i).doc))) found++;
            recall += found / (double) k;
        }
        return new Cost(recall / queries, visited / (double) queries, nanos / 1e6 / queries, nanos / (double) Math.max(1, visited));
    }

    /** The candidates' exact dot products from their float vectors, as the store rescores a quantized segment. */
    private static void rescore(LeafReaderContext leaf, TopDocs top, float[] query) throws IOException {
        ScoreDoc[] docs = top.scoreDocs.clone();
        Arrays.sort(docs, Comparator.comparingInt(sd -> sd.doc));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(FIELD);
        KnnVectorValues.DocIndexIterator iterator = values.iterator();
        for (ScoreDoc sd : docs) {
            iterator.advance(sd.doc);
            sd.score = VectorUtil.dotProduct(query, values.vectorValue(iterator.index()));
        }
    }

    private static int id(DirectoryReader reader, int doc) throws IOException {
        LeafReaderContext leaf = reader.leaves().get(org.apache.lucene.index.ReaderUtil.subIndex(doc, reader.leaves()));
        NumericDocValues ids = leaf.reader().getNumericDocValues(ID);
        ids.advanceExact(doc - leaf.docBase);
        return (int) ids.longValue();
    }

    /** ns per dot product: document in L1, read in order through all documents, picked at random (as a graph search reads). */
    private static void memoryProbe(float[][] docs) {
        int n = Math.max(1, Math.min(20_000, docs.length / 2)); // the in-order run starts at random, so it needs room
        float[] query = docs[0].clone();
        int[] order = new int[n];
        SplittableRandom random = new SplittableRandom(1);
        double inCache = 0, sequential = 0, randomly = 0;
        float sink = 0;
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < n; i++) order[i] = random.nextInt(docs.length);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sink += VectorUtil.dotProduct(query, docs[i & 7]);
            long t1 = System.nanoTime();
            int from = random.nextInt(docs.length - n + 1);
            for (int i = 0; i < n; i++) sink += VectorUtil.dotProduct(query, docs[from + i]);
            long t2 = System.nanoTime();
            for (int i : order) sink += VectorUtil.dotProduct(query, docs[i]);
            long t3 = System.nanoTime();
            if (round >= 2) { // the first rounds run before the JIT has compiled the loop
                inCache += (t1 - t0) / (double) n;
                sequential += (t2 - t1) / (double) n;
                randomly += (t3 - t2) / (double) n;
            }
        }
        System.out.printf(Locale.ROOT, "%none %d-float dot product (VectorUtil, mean of 10 rounds of %,d): in L1 %.0f ns, in sequence through %,d vectors "
                + "%.0f ns, at random among them %.0f ns (%s)%n", docs[0].length, n, inCache / 10, docs.length, sequential / 10, randomly / 10,
                sink == 42 ? "" : "checksum " + (int) sink % 10);
    }
}
