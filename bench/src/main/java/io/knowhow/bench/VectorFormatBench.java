package io.knowhow.bench;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import io.knowhow.store.lucene.LuceneStoreOptions;
import io.knowhow.store.lucene.VectorFormat;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Recall and latency of the {@link VectorFormat}s of {@link LuceneKnowledgeStore}, measured through the
 * store's own API: the numbers behind {@link LuceneStoreOptions#DEFAULTS}.
 *
 * <p>The vectors are synthetic, generated here from a seed: a 64-dimensional Gaussian mixture (1,000
 * clusters of spread {@code --spread}, default 2) mapped into {@code --dim} dimensions by a fixed random
 * matrix, plus isotropic noise of norm {@code --noise} (default 0.5) against the unit signal, then
 * L2-normalised. Text embeddings have a low intrinsic dimension and topical clusters; this has both,
 * whereas uniformly random vectors have neither and make every graph look bad (give {@code --isotropic}
 * to measure those). Queries come from the same distribution and are not in the index. Exact top-k
 * comes from brute force; recall@k is the share of it that the store returns.
 *
 * <p>Each format's index is built by {@code replaceSource} in sources of 10,000 chunks, as ingest would,
 * and closed (which waits for merges), then searched single-threaded after a warm-up of {@code --warmup} searches (default
 * 2,000, cycling through the queries: with 200, the first configuration measured read up to 50% slow).
 * Latency is the wall time of {@code retrieve(DENSE)}, stored fields included; {@code --modes dense,hybrid} also
 * measures hybrid search, whose exact answer is the store's BM25 list fused with the brute-force vector list
 * ({@link #exactHybridTopK}). Synthetic documents carry 40 Zipf-distributed made-up words for its BM25 half, real ones
 * their text. Building dominates the run
 * time: about 2 minutes a format for 100,000 vectors on a shared 2-core machine; {@code --formats} and
 * {@code --docs} trim it.
 *
 * <pre>
 * ./mvnw -q -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -Xmx3g -cp "bench/target/classes:$(cat bench/target/cp.txt)" \
 *     io.knowhow.bench.VectorFormatBench --formats float32,int8,int7,int4,binary
 * </pre>
 */
public final class VectorFormatBench {
    private static final int LATENT_DIM = 64;
    private static final int CLUSTERS = 1_000;
    private static final int CHUNKS_PER_SOURCE = 10_000;
    private static final String EMBEDDER = "synthetic";

    /** What to run; parsed from {@code --name value} arguments. */
    record Config(int docs, int queries, int dim, int k, List<VectorFormat> formats, List<Integer> candidates,
                  long seed, boolean isotropic, double spread, double noise, Path dir, boolean forceMerge,
                  LuceneStoreOptions.Graph graph, Path real, List<SearchMode> modes, int warmup) {
        static Config parse(String[] args) throws IOException {
            Map<String, String> a = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--")) throw new IllegalArgumentException("Unexpected argument " + args[i]);
                String name = args[i].substring(2);
                if (name.equals("isotropic") || name.equals("force-merge")) a.put(name, "true");
                else if (i + 1 < args.length) a.put(name, args[++i]);
                else throw new IllegalArgumentException("--" + name + " needs a value");
            }
            List<VectorFormat> formats = Stream.of(a.getOrDefault("formats", "float32,int8,int4,binary").split(","))
                    .map(VectorFormat::parse).toList();
            List<Integer> candidates = Stream.of(a.getOrDefault("candidates", "10,50,100,200").split(","))
                    .map(String::trim).map(Integer::valueOf).toList();
            Path dir = a.containsKey("dir") ? Path.of(a.get("dir")) : Files.createTempDirectory("knowhow-vector-bench");
            return new Config(Integer.parseInt(a.getOrDefault("docs", "100000")), Integer.parseInt(a.getOrDefault("queries", "500")),
                    Integer.parseInt(a.getOrDefault("dim", "384")), Integer.parseInt(a.getOrDefault("k", "10")), formats, candidates,
                    Long.parseLong(a.getOrDefault("seed", "42")), a.containsKey("isotropic"),
                    Double.parseDouble(a.getOrDefault("spread", "2.0")), Double.parseDouble(a.getOrDefault("noise", "0.5")), dir,
                    a.containsKey("force-merge"), new LuceneStoreOptions.Graph(Integer.parseInt(a.getOrDefault("hnsw-m", "16")),
                    Integer.parseInt(a.getOrDefault("hnsw-beam", "100"))), a.containsKey("real") ? Path.of(a.get("real")) : null,
                    Stream.of(a.getOrDefault("modes", "dense").split(",")).map(m -> SearchMode.valueOf(m.trim().toUpperCase(Locale.ROOT))).toList(),
                    Integer.parseInt(a.getOrDefault("warmup", "2000")));
        }
    }

    record Row(VectorFormat format, SearchMode mode, int candidates, double recall, double textRecall, double p50Ms, double p99Ms, double buildSeconds,
               double indexMb, int segments) {}

    public static void main(String[] args) throws IOException {
        Config config = Config.parse(args);
        System.out.printf(Locale.ROOT, "%d docs, %d queries, %d dims, k=%d, HNSW M=%d beam=%d%s, %s, seed %d, Java %s, %d cores%n",
                config.docs(), config.queries(), config.dim(), config.k(), config.graph().maxConn(), config.graph().beamWidth(),
                config.forceMerge() ? ", force-merged" : "", config.real() != null
                        ? "real MiniLM embeddings of SQuAD v1.1 paragraphs and SciFact abstracts, replicated with noise " + config.noise()
                        + "; queries: SQuAD questions" : config.isotropic() ? "isotropic random vectors"
                        : String.format(Locale.ROOT, "clustered low-rank vectors (spread %.2f, noise %.2f)", config.spread(), config.noise()),
                config.seed(), Runtime.version(), Runtime.getRuntime().availableProcessors());

        Vectors data = config.real() != null ? Vectors.real(config) : Vectors.generate(config);
        long start = System.nanoTime();
        int[][] exact = exactTopK(data.docs(), data.queries(), config.k());
        System.out.printf(Locale.ROOT, "brute force ground truth: %.1f s%n", (System.nanoTime() - start) / 1e9);

        List<Row> rows = new ArrayList<>();
        for (VectorFormat format : config.formats()) rows.addAll(measure(config, format, data, exact));

        System.out.println();
        System.out.printf(Locale.ROOT, "%-8s %-6s %10s %10s %12s %8s %8s %8s %9s %8s%n",
                "format", "mode", "candidates", "recall@" + config.k(), "text recall", "p50 ms", "p99 ms", "build s", "index MB", "segments");
        for (Row r : rows)
            System.out.printf(Locale.ROOT, "%-8s %-6s %10d %10.4f %12.4f %8.3f %8.3f %8.1f %9.1f %8d%n", r.format(),
                    r.mode().name().toLowerCase(Locale.ROOT), r.candidates(), r.recall(), r.textRecall(),
                    r.p50Ms(), r.p99Ms(), r.buildSeconds(), r.indexMb(), r.segments());
    }

    private static List<Row> measure(Config config, VectorFormat format, Vectors data, int[][] exact) throws IOException {
        Path dir = config.dir().resolve(format.name().toLowerCase(Locale.ROOT));
        LuceneStoreOptions options = LuceneStoreOptions.DEFAULTS.withVectorFormat(format).withGraph(config.graph());
        long start = System.nanoTime();
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(dir, EMBEDDER, config.dim(), options)) {
            for (int from = 0; from < config.docs(); from += CHUNKS_PER_SOURCE) {
                String source = "synthetic-" + from / CHUNKS_PER_SOURCE;
                List<EmbeddedChunk> chunks = new ArrayList<>();
                for (int i = from; i < Math.min(config.docs(), from + CHUNKS_PER_SOURCE); i++) {
                    String text = data.docText(i);
                    chunks.add(new EmbeddedChunk(new Chunk(source + "#" + i, source, i, text, List.of(), 0, text.length(), 3,
                            Set.of(), Set.of()), data.docs()[i]));
                }
                store.replaceSource(new SourceRecord(source, "0".repeat(64), 0, chunks.size(), Instant.now(), Set.of(), Set.of()), chunks);
            }
        }
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        if (config.forceMerge()) {
            // What an "optimize" after a bulk ingest would do: one segment, one graph, searched once per query.
            long t = System.nanoTime();
            int before;
            try (FSDirectory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
                before = reader.leaves().size();
            }
            KnnVectorsFormat vectors = new Lucene99HnswVectorsFormat(config.graph().maxConn(), config.graph().beamWidth());
            try (FSDirectory directory = FSDirectory.open(dir);
                 IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setCodec(new Lucene104Codec() {
                     @Override
                     public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                         return vectors;
                     }
                 }))) {
                writer.forceMerge(1);
                writer.commit();
            }
            System.out.printf(Locale.ROOT, "%s: force-merged %d segments into 1 in %.1f s%n", format, before, (System.nanoTime() - t) / 1e9);
        }
        double indexMb = sizeOf(dir) / 1e6;
        int segments;
        try (FSDirectory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
            segments = reader.leaves().size();
        }
        System.out.printf(Locale.ROOT, "%s: built in %.1f s, %.1f MB, %d segments%n", format, buildSeconds, indexMb, segments);

        List<Row> rows = new ArrayList<>();
        int[][] exactHybrid = null, bm25 = null;
        if (config.modes().contains(SearchMode.HYBRID) || config.modes().contains(SearchMode.BM25)) {
            try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(dir, EMBEDDER, config.dim(), options)) {
                exactHybrid = exactHybridTopK(store, data, config.k());
                bm25 = new int[data.queries().length][];
                for (int q = 0; q < bm25.length; q++)
                    bm25[q] = search(store, SearchMode.BM25, data, q, config.k()).stream().mapToInt(h -> h.chunk().ordinal()).toArray();
            }
        }
        for (SearchMode mode : config.modes()) {
            // BM25 has no approximation: its "truth" is itself, measured for its latency (the other half of hybrid).
            int[][] truth = switch (mode) {
                case HYBRID -> exactHybrid;
                case BM25 -> bm25;
                case DENSE -> exact;
            };
            for (int candidates : config.candidates()) {
                try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(dir, EMBEDDER, config.dim(), options.withDenseCandidates(candidates))) {
                    // Warm-up: the searches keep getting faster over the first thousand or so while the JIT compiles Lucene's
                    // paths; 200 left the first configuration measured up to 50% slow.
                    for (int i = 0; i < config.warmup(); i++) search(store, mode, data, i % data.queries().length, config.k());
                    double[] millis = new double[data.queries().length];
                    double recall = 0, textRecall = 0;
                    for (int q = 0; q < data.queries().length; q++) {
                        long t = System.nanoTime();
                        List<Hit> hits = search(store, mode, data, q, config.k());
                        millis[q] = (System.nanoTime() - t) / 1e6;
                        recall += overlap(hits, truth[q]) / (double) config.k();
                        textRecall += textOverlap(hits, truth[q], data.texts().size());
                    }
                    Arrays.sort(millis);
                    rows.add(new Row(format, mode, candidates, recall / millis.length, textRecall / millis.length, percentile(millis, 0.50), percentile(millis, 0.99),
                            buildSeconds, indexMb, segments));
                }
            }
        }
        deleteRecursively(dir);
        return rows;
    }

    private static List<Hit> search(LuceneKnowledgeStore store, SearchMode mode, Vectors data, int q, int k) {
        return store.retrieve(new SearchRequest(mode == SearchMode.DENSE ? null : data.queryText(q), data.queries()[q], k, mode, Filter.NONE));
    }

    /**
     * Hybrid's exact answer: the store's own BM25 list and the brute-force vector list, each of the length hybrid
     * search fuses (50 for k = 10), fused by the store's fusion. What hybrid search would return with exact vectors.
     */
    static int[][] exactHybridTopK(LuceneKnowledgeStore store, Vectors data, int k) {
        int n = Math.max(50, 5 * k);
        int[][] dense = exactTopK(data.docs(), data.queries(), n);
        int[][] result = new int[data.queries().length][];
        for (int q = 0; q < result.length; q++) {
            List<io.knowhow.core.retrieval.ScoreFusion.Scored<Integer>> lexical = new ArrayList<>();
            for (Hit h : store.retrieve(new SearchRequest(data.queryText(q), null, n, SearchMode.BM25, Filter.NONE)))
                lexical.add(new io.knowhow.core.retrieval.ScoreFusion.Scored<>(h.chunk().ordinal(), h.score()));
            List<io.knowhow.core.retrieval.ScoreFusion.Scored<Integer>> vectors = new ArrayList<>();
            for (int d : dense[q]) vectors.add(new io.knowhow.core.retrieval.ScoreFusion.Scored<>(d, VectorUtil.dotProduct(data.queries()[q], data.docs()[d])));
            result[q] = LuceneStoreOptions.DEFAULTS.fusion().fuse(k, lexical, vectors).stream().mapToInt(io.knowhow.core.retrieval.ScoreFusion.Scored::id).toArray();
        }
        return result;
    }

    /**
     * Recall over texts rather than documents: the real set holds ~14 noisy copies of each text, equal for BM25, so
     * which copies come first is decided by noise; a user sees the same text either way. Equal to recall on synthetic data.
     */
    private static double textOverlap(List<Hit> hits, int[] exact, int texts) {
        Set<Integer> truth = new java.util.HashSet<>();
        for (int doc : exact) truth.add(doc % texts);
        Set<Integer> found = new java.util.HashSet<>();
        for (Hit hit : hits) if (truth.contains(hit.chunk().ordinal() % texts)) found.add(hit.chunk().ordinal() % texts);
        return truth.isEmpty() ? 1 : found.size() / (double) truth.size();
    }

    private static int overlap(List<Hit> hits, int[] exact) {
        Set<Integer> truth = new java.util.HashSet<>();
        for (int doc : exact) truth.add(doc);
        int found = 0;
        for (Hit hit : hits) if (truth.contains(hit.chunk().ordinal())) found++;
        return found;
    }

    /** The k documents with the highest dot product for each query, by scanning them all. */
    static int[][] exactTopK(float[][] docs, float[][] queries, int k) {
        int[][] result = new int[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(q -> {
            // best[0..k) sorted by descending score; ties go to the lower document, as in the store
            int[] best = new int[k];
            float[] bestScores = new float[k];
            Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
            for (int d = 0; d < docs.length; d++) {
                float score = VectorUtil.dotProduct(queries[q], docs[d]);
                if (score <= bestScores[k - 1]) continue;
                int at = k - 1;
                while (at > 0 && bestScores[at - 1] < score) {
                    bestScores[at] = bestScores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestScores[at] = score;
                best[at] = d;
            }
            result[q] = best;
        });
        return result;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Documents and queries, L2-normalised. */
    record Vectors(float[][] docs, float[][] queries, List<String> texts, List<String> queryTexts) {
        /** The text stored with document {@code i}: its source text for real embeddings (copies share it). */
        String docText(int i) {
            return texts.get(i % texts.size());
        }

        String queryText(int q) {
            return queryTexts.get(q);
        }

        /**
         * Real embeddings (the bundled MiniLM) of SQuAD v1.1 dev paragraphs and SciFact abstracts from {@code --real DIR}
         * (the shared data folder), each repeated with isotropic noise of norm {@code --noise} until there are
         * {@code --docs}; queries are SQuAD questions. Real text embeddings are not uniformly spread: topics crowd, which
         * is what a graph must cope with; the noise keeps the copies of one text apart without moving them off topic.
         */
        static Vectors real(Config config) throws IOException {
            List<String> texts = new ArrayList<>();
            Squad squad = Squad.load(config.real().resolve("squad-v1.1-dev/dev-v1.1.json"));
            for (Squad.Paragraph p : squad.paragraphs()) texts.add(p.context());
            for (String line : Files.readAllLines(config.real().resolve("scifact/corpus.jsonl"))) {
                var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                texts.add(n.get("title").asText() + "\n\n" + n.get("text").asText());
            }
            List<Squad.Question> questions = new ArrayList<>(squad.questions());
            java.util.Collections.shuffle(questions, new java.util.Random(config.seed()));
            long t = System.nanoTime();
            List<float[]> base;
            float[][] queries = new float[Math.min(config.queries(), questions.size())][];
            // The embeddings take ~100 s and depend only on the texts: kept under bench/target for the next run.
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            for (String text : texts) sha.update((text + "\u0000").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < queries.length; i++) sha.update((questions.get(i).text() + "\u0001").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path cache = Path.of("bench", "target", "vector-bench-cache",
                    java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16) + "-" + config.dim() + ".f32");
            if (Files.isRegularFile(cache)) {
                try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(cache)))) {
                    base = new ArrayList<>(texts.size());
                    for (int i = 0; i < texts.size(); i++) base.add(readVector(in, config.dim()));
                    for (int i = 0; i < queries.length; i++) queries[i] = readVector(in, config.dim());
                }
                System.out.printf(Locale.ROOT, "read the embeddings of %d texts and %d questions from %s%n", texts.size(), queries.length, cache);
            } else {
                try (var embedder = io.knowhow.embed.onnx.OnnxEmbedder.bundled(io.knowhow.embed.onnx.BundledModel.ALL_MINILM_L6_V2_Q)) {
                    if (embedder.info().dimension() != config.dim())
                        throw new IllegalArgumentException("--real uses the bundled MiniLM: pass --dim " + embedder.info().dimension());
                    base = embedder.embedAll(texts);
                    for (int i = 0; i < queries.length; i++) queries[i] = embedder.embedQuery(questions.get(i).text());
                }
                System.out.printf(Locale.ROOT, "embedded %d texts and %d questions in %.1f s%n", texts.size(), queries.length, (System.nanoTime() - t) / 1e9);
                Files.createDirectories(cache.getParent());
                Path partial = cache.resolveSibling(cache.getFileName() + ".partial");
                try (var out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(partial)))) {
                    for (float[] v : base) for (float x : v) out.writeFloat(x);
                    for (float[] v : queries) for (float x : v) out.writeFloat(x);
                }
                Files.move(partial, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            SplittableRandom random = new SplittableRandom(config.seed());
            float noiseScale = (float) (config.noise() / Math.sqrt(config.dim()));
            float[][] docs = new float[config.docs()][];
            for (int i = 0; i < docs.length; i++) {
                float[] v = base.get(i % base.size()).clone();
                if (i >= base.size()) for (int d = 0; d < v.length; d++) v[d] += noiseScale * (float) random.nextGaussian();
                docs[i] = normalize(v);
            }
            List<String> questionTexts = questions.subList(0, queries.length).stream().map(Squad.Question::text).toList();
            return new Vectors(docs, queries, texts, questionTexts);
        }

        private static float[] readVector(java.io.DataInputStream in, int dim) throws IOException {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) v[d] = in.readFloat();
            return v;
        }

        static Vectors generate(Config config) {
            SplittableRandom random = new SplittableRandom(config.seed());
            int dim = config.dim();
            float[][] projection = new float[dim][LATENT_DIM];
            for (float[] row : projection) for (int j = 0; j < LATENT_DIM; j++) row[j] = (float) random.nextGaussian();
            float[][] centres = new float[CLUSTERS][LATENT_DIM];
            for (float[] c : centres) for (int j = 0; j < LATENT_DIM; j++) c[j] = (float) random.nextGaussian();
            float[][] docs = new float[config.docs()][];
            for (int i = 0; i < docs.length; i++) docs[i] = sample(config, projection, centres, random);
            float[][] queries = new float[config.queries()][];
            for (int i = 0; i < queries.length; i++) queries[i] = sample(config, projection, centres, random);
            // Texts for the BM25 half of hybrid search: 40 words each, Zipf-like over 5,000 made-up words; queries of 6.
            List<String> texts = new ArrayList<>(docs.length);
            for (int i = 0; i < docs.length; i++) texts.add(zipfWords(40, random));
            List<String> queryTexts = new ArrayList<>(queries.length);
            for (int i = 0; i < queries.length; i++) queryTexts.add(zipfWords(6, random));
            return new Vectors(docs, queries, texts, queryTexts);
        }

        private static String zipfWords(int n, SplittableRandom random) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                // rank r with probability ~ 1/r over 5,000 ranks: exp of a uniform over log(5,000)
                int rank = (int) Math.exp(random.nextDouble() * Math.log(5_000));
                b.append(i == 0 ? "" : " ").append("w").append(Integer.toString(rank * 7919 % 100_003, 36));
            }
            return b.toString();
        }

        private static float[] sample(Config config, float[][] projection, float[][] centres, SplittableRandom random) {
            int dim = config.dim();
            float[] v = new float[dim];
            if (config.isotropic()) {
                for (int i = 0; i < dim; i++) v[i] = (float) random.nextGaussian();
                return normalize(v);
            }
            float[] centre = centres[random.nextInt(CLUSTERS)];
            float[] latent = new float[LATENT_DIM];
            for (int j = 0; j < LATENT_DIM; j++) latent[j] = centre[j] + (float) (config.spread() * random.nextGaussian());
            for (int i = 0; i < dim; i++) v[i] = VectorUtil.dotProduct(projection[i], latent);
            float[] signal = normalize(v);
            float noiseScale = (float) (config.noise() / Math.sqrt(dim));
            for (int i = 0; i < dim; i++) signal[i] += noiseScale * (float) random.nextGaussian();
            return normalize(signal);
        }

        private static float[] normalize(float[] v) {
            double sum = 0;
            for (float x : v) sum += (double) x * x;
            float inv = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) v[i] *= inv;
            return v;
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private VectorFormatBench() {}
}
