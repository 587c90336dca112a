package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.llm.extractive.ExtractiveGenerator;
import io.knowhow.store.lucene.LuceneKnowledgeStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * End-to-end RAG benchmark on the public data sets: ingest speed, retrieval quality per mode
 * (SQuAD v1.1 dev, SQuAD 2.0 subset, SciFact), extractive answer quality and abstention, search
 * latency at 100k chunks, and LangChain4j's in-memory "easy RAG" path as the peer in the same run.
 *
 * <p>Run: {@code bench/run RagBench [--data DIR] [--questions N] [--scale N] [--chunk-tokens N] [--overlap N] [--window N]
 * [--only squad,squad2,scifact,scale,peer,peer-scifact]} (peer-scifact only when named); {@code --embedder DIR} runs SciFact
 * with a tuned encoder ({@code knowhow tune --task embed}) as the embedder.
 * Prints markdown tables for docs/benchmarks.md.
 */
public final class RagBench {
    private static final SearchMode[] MODES = {SearchMode.BM25, SearchMode.DENSE, SearchMode.HYBRID};
    private static ChunkingOptions chunking = ChunkingOptions.DEFAULT;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/data"));
        int questions = Integer.parseInt(opt.getOrDefault("questions", "2000"));
        int scale = Integer.parseInt(opt.getOrDefault("scale", "100000"));
        Set<String> only = Set.of(opt.getOrDefault("only", "squad,squad2,scifact,scale,peer").split(","));
        BundledModel model = BundledModel.valueOf(opt.getOrDefault("model", "ALL_MINILM_L6_V2_Q"));
        // The ingest's chunking and embedding window, for the speed/quality study of issue 15 (ADR 0009).
        chunking = Args.chunking(opt);
        int window = Args.window(opt);
        if (!Files.isDirectory(data)) {
            System.err.println("data folder " + data.toAbsolutePath() + " not found: pass --data DIR (the shared/data folder)");
            System.exit(2);
        }
        System.out.printf("# RagBench %s — %s, %d cores, Java %s, %s, chunks ≤ %d tokens with %d overlapping%n%n",
                Instant.now(), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), Runtime.version(),
                opt.containsKey("embedder") ? "tuned encoder " + opt.get("embedder") + " (its own window)"
                        : "model " + model + ", vectors of the first " + Math.min(window, model.maxContentTokens()) + " tokens",
                chunking.maxTokens(), chunking.overlapTokens());
        Path work = Files.createTempDirectory("ragbench-");
        if (opt.containsKey("embedder")) {
            // A tuned encoder directory (`knowhow tune --task embed`) as the knowledge base's embedder, on SciFact: the
            // one-setting option of issue 15's quality target. Chunks are counted with the bundled MiniLM's tokenizer, as the app does.
            try (var tuned = io.knowhow.tuneencoder.embed.TunedEmbedder.load(Path.of(opt.get("embedder")));
                 OnnxEmbedder counter = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q)) {
                System.out.printf(Locale.ROOT, "embedder: %s (%s)%n%n", opt.get("embedder"), tuned.info().id());
                double ndcg = scifact(tuned, counter, data.resolve("scifact"), work.resolve("scifact"));
                System.out.printf(Locale.ROOT, "hybrid nDCG@10, four digits: %.4f%n", ndcg);
            } finally {
                deleteTree(work);
            }
            return;
        }
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(model, window)) {
            if (only.contains("squad")) squad(embedder, data.resolve("squad-v1.1-dev/dev-v1.1.json"), work.resolve("squad"), questions, false, List.of());
            if (only.contains("squad2")) squad(embedder, data.resolve("squad2-dev-subset/dev-v2.0-5articles.json"), work.resolve("squad2"), Integer.MAX_VALUE, true,
                    outOfKb(data.resolve("squad-v1.1-dev/dev-v1.1.json"), data.resolve("squad2-dev-subset/dev-v2.0-5articles.json"), 700));
            if (only.contains("scifact")) scifact(embedder, embedder, data.resolve("scifact"), work.resolve("scifact"));
            if (only.contains("peer")) PeerBench.run(data.resolve("squad-v1.1-dev/dev-v1.1.json"), questions);
            if (only.contains("peer-scifact")) PeerBench.scifact(SciFactFiles.write(data.resolve("scifact"), work.resolve("peer-scifact")));
            if (only.contains("scale")) scale(embedder.info().id(), embedder.info().dimension(), work.resolve("scale"), scale,
                    data.resolve("squad-v1.1-dev/dev-v1.1.json"));
        } finally {
            deleteTree(work);
        }
    }

    /** Writes each paragraph to its own .txt file, ingests the folder through the real pipeline. */
    /**
     * SQuAD v1.1 questions about articles that are not in the SQuAD 2.0 subset: their answers are
     * nowhere in that knowledge base, the abstention case the extractive generator is built for.
     */
    private static List<Squad.Question> outOfKb(Path v1, Path v2, int n) throws IOException {
        Set<String> inKb = new java.util.HashSet<>();
        for (Squad.Paragraph p : Squad.load(v2).paragraphs()) inKb.add(p.title());
        Squad squad = Squad.load(v1);
        List<Squad.Question> out = new ArrayList<>();
        for (Squad.Question q : squad.questions()) if (!inKb.contains(squad.paragraphs().get(q.paragraph()).title())) out.add(q);
        Collections.shuffle(out, new Random(5));
        return out.subList(0, Math.min(n, out.size()));
    }

    private static void squad(OnnxEmbedder embedder, Path file, Path work, int maxQuestions, boolean v2,
                              List<Squad.Question> outOfKb) throws IOException {
        Squad squad = Squad.load(file);
        List<Path> files = squad.writeParagraphs(work.resolve("docs"));
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(work.resolve("index"), embedder.info().id(), embedder.info().dimension())) {
            Ingestor ingestor = new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, chunking), embedder, store);
            IngestReport report = ingestor.ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
            double secs = report.elapsedMillis() / 1000.0;
            String name = v2 ? "SQuAD 2.0 subset" : "SQuAD v1.1 dev";
            System.out.printf("## %s: %d paragraphs → %d chunks, ingest %.1f s = %.0f chunks/s (%d failed)%n%n", name,
                    squad.paragraphs().size(), report.chunksWritten(), secs, report.chunksWritten() / secs, report.failures().size());

            List<Squad.Question> answerable = new ArrayList<>(squad.questions().stream().filter(q -> !q.impossible()).toList());
            Collections.shuffle(answerable, new Random(42));
            if (answerable.size() > maxQuestions) answerable = answerable.subList(0, maxQuestions);
            Function<Squad.Question, Set<String>> gold = q -> Set.of(IngestPlan.sourceKey(files.get(q.paragraph())));
            retrievalTable(embedder, store, answerable, Squad.Question::text, gold);

            List<Squad.Question> impossible = squad.questions().stream().filter(Squad.Question::impossible).toList();
            System.out.println("Extractive answers (hybrid, k=5) by the generator's coverage threshold (default "
                    + ExtractiveGenerator.Options.DEFAULT.minCoverage() + "):");
            System.out.println();
            System.out.println("| min coverage | answerable: EM | F1 | answer contains gold | abstained | ask p50 ms | unanswerable (SQuAD 2.0): abstained | out-of-KB questions: abstained |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (double c : java.util.stream.DoubleStream.of(ExtractiveGenerator.Options.DEFAULT.minCoverage(), 0.3, 0.45, 0.6).distinct().sorted().toArray()) {
                KnowledgeBase kb = new KnowledgeBase(embedder, store, new ExtractiveGenerator(new ExtractiveGenerator.Options(c, 2)));
                answerRow(c, kb, answerable, impossible, outOfKb);
            }
            System.out.println();
        }
    }

    /**
     * SciFact through the real pipeline with the given embedder (bundled, or a tuned encoder: tune.EmbedBench) and the
     * current chunking; prints the table and returns the hybrid nDCG@10.
     */
    public static double scifact(io.knowhow.core.port.Embedder embedder, io.knowhow.core.port.TokenCounter counter, Path dir, Path work) throws IOException {
        SciFactFiles sf = SciFactFiles.write(dir, work.resolve("docs"));
        List<Path> files = sf.files();
        double hybridNdcg = Double.NaN;
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(work.resolve("index"), embedder.info().id(), embedder.info().dimension())) {
            Ingestor ingestor = new Ingestor(new TikaDocumentParser(), new SentenceChunker(counter, chunking), embedder, store);
            IngestReport report = ingestor.ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
            double secs = report.elapsedMillis() / 1000.0;
            System.out.printf("## SciFact (BEIR test): %d abstracts → %d chunks, ingest %.1f s = %.0f chunks/s; %d queries%n%n",
                    files.size(), report.chunksWritten(), secs, report.chunksWritten() / secs, sf.queries().size());
            System.out.println("| mode | nDCG@10 | recall@10 | recall@100 |");
            System.out.println("|---|---|---|---|");
            for (SearchMode mode : MODES) {
                double ndcg = 0, r10 = 0, r100 = 0;
                for (int i = 0; i < sf.queries().size(); i++) {
                    String q = sf.queries().get(i);
                    Set<String> relevant = sf.relevant().get(i);
                    float[] v = mode == SearchMode.BM25 ? null : embedder.embedQuery(q);
                    List<Hit> hits = store.retrieve(new SearchRequest(q, v, 300, mode, Filter.NONE));
                    List<String> ranked = dedupe(hits.stream().map(h -> h.chunk().source()).toList());
                    ndcg += Metrics.ndcg(ranked, relevant, 10);
                    r10 += Metrics.recall(ranked, relevant, 10);
                    r100 += Metrics.recall(ranked, relevant, 100);
                }
                int n = sf.queries().size();
                System.out.printf("| %s | %.3f | %.3f | %.3f |%n", mode.name().toLowerCase(Locale.ROOT), ndcg / n, r10 / n, r100 / n);
                if (mode == SearchMode.HYBRID) hybridNdcg = ndcg / n;
            }
            System.out.println("\nPublished nDCG@10 anchors: BM25 0.665 (BEIR), all-MiniLM-L6-v2 ≈ 0.645, bge-small-en-v1.5 ≈ 0.72 (MTEB).\n");
        }
        return hybridNdcg;
    }

    static List<String> dedupe(List<String> ids) {
        return new ArrayList<>(new LinkedHashSet<>(ids));
    }

    private static <Q> void retrievalTable(OnnxEmbedder embedder, LuceneKnowledgeStore store, List<Q> queries,
                                           Function<Q, String> text, Function<Q, Set<String>> gold) {
        System.out.printf("Retrieval, %d questions (gold = the question's paragraph):%n%n", queries.size());
        System.out.println("| mode | recall@1 | recall@5 | recall@10 | MRR@10 | search p50 ms | search p99 ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        double[] embedMs = new double[queries.size()];
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            long t = System.nanoTime();
            vectors.add(embedder.embedQuery(text.apply(queries.get(i))));
            embedMs[i] = (System.nanoTime() - t) / 1e6;
        }
        for (SearchMode mode : MODES) {
            int r1 = 0, r5 = 0, r10 = 0;
            double mrr = 0;
            double[] lat = new double[queries.size()];
            for (int i = 0; i < queries.size(); i++) {
                Q q = queries.get(i);
                long t = System.nanoTime();
                List<Hit> hits = store.retrieve(new SearchRequest(text.apply(q), vectors.get(i), 10, mode, Filter.NONE));
                lat[i] = (System.nanoTime() - t) / 1e6;
                int rank = Metrics.firstRelevantRank(dedupe(hits.stream().map(h -> h.chunk().source()).toList()), gold.apply(q));
                if (rank == 1) r1++;
                if (rank >= 1 && rank <= 5) r5++;
                if (rank >= 1 && rank <= 10) r10++;
                if (rank >= 1) mrr += 1.0 / rank;
            }
            int n = queries.size();
            System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f |%n", mode.name().toLowerCase(Locale.ROOT),
                    (double) r1 / n, (double) r5 / n, (double) r10 / n, mrr / n, Metrics.percentile(lat, 50), Metrics.percentile(lat, 99));
        }
        System.out.printf("%nQuery embedding: p50 %.2f ms, p99 %.2f ms%n%n", Metrics.percentile(embedMs, 50), Metrics.percentile(embedMs, 99));
    }

    private static void answerRow(double coverage, KnowledgeBase kb, List<Squad.Question> answerable, List<Squad.Question> impossible,
                                  List<Squad.Question> outOfKb) {
        double em = 0, f1 = 0, contains = 0, abstainA = 0;
        double[] lat = new double[answerable.size()];
        for (int i = 0; i < answerable.size(); i++) {
            Squad.Question q = answerable.get(i);
            Answer a = kb.ask(q.text(), AskOptions.DEFAULT);
            lat[i] = a.timingsMs().getOrDefault("total", 0.0);
            if (a.abstained()) {
                abstainA++;
                continue;
            }
            String text = a.text().replaceAll("\\s*\\[\\d+\\]", "");
            em += Metrics.exactMatch(text, q.answers());
            f1 += Metrics.f1(text, q.answers());
            String norm = Metrics.normalize(text);
            if (q.answers().stream().anyMatch(g -> norm.contains(Metrics.normalize(g)))) contains++;
        }
        int n = answerable.size();
        System.out.printf("| %.2f | %.3f | %.3f | %.3f | %.3f | %.1f | %s | %s |%n", coverage, em / n, f1 / n, contains / n, abstainA / n,
                Metrics.percentile(lat, 50), abstainRate(kb, impossible), abstainRate(kb, outOfKb));
    }

    private static String abstainRate(KnowledgeBase kb, List<Squad.Question> questions) {
        if (questions.isEmpty()) return "–";
        long n = questions.stream().filter(q -> kb.ask(q.text(), AskOptions.DEFAULT).abstained()).count();
        return String.format(Locale.ROOT, "%.3f (%d)", (double) n / questions.size(), questions.size());
    }

    /** Search latency at scale: synthetic chunks (random unit vectors, text drawn from SQuAD's vocabulary). */
    private static void scale(String embedderId, int dim, Path work, int n, Path squadFile) throws IOException {
        List<String> vocab = new ArrayList<>();
        for (Squad.Paragraph p : Squad.load(squadFile).paragraphs()) Collections.addAll(vocab, p.context().split("\\s+"));
        Random rnd = new Random(7);
        long t0 = System.nanoTime();
        float[][] vectors = new float[n][];
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(work.resolve("index"), embedderId, dim)) {
            int perSource = 1000;
            for (int s = 0; s * perSource < n; s++) {
                List<EmbeddedChunk> batch = new ArrayList<>();
                String source = "synthetic-" + s;
                for (int i = 0; i < perSource && s * perSource + i < n; i++) {
                    StringBuilder sb = new StringBuilder();
                    for (int w = 0; w < 60; w++) sb.append(vocab.get(rnd.nextInt(vocab.size()))).append(' ');
                    float[] v = randomUnit(rnd, dim);
                    vectors[s * perSource + i] = v;
                    batch.add(new EmbeddedChunk(new Chunk(Chunk.idOf(source, i), source, i, sb.toString(), List.of(), 0, sb.length(), 80, null, null), v));
                }
                store.replaceSource(new SourceRecord(source, "h" + s, 0, batch.size(), Instant.now(), Set.of(), Set.of()), batch);
            }
            double writeSecs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("## Search latency at %,d synthetic chunks (random unit vectors + 60 SQuAD words each; excludes query embedding)%n%n", n);
            System.out.printf("Index build (no embedding): %.1f s%n%n", writeSecs);
            // Unrestricted (maintenance, --all-groups) and anonymous (what ask and search do without --as-group; every
            // chunk here is public, so the store drops the access filter).
            System.out.println("| mode | reader | p50 ms | p99 ms | mean ms |");
            System.out.println("|---|---|---|---|---|");
            int warm = 300, measured = 1000;
            for (SearchMode mode : MODES) {
                for (Reader reader : List.of(Reader.unrestricted(), Reader.anonymous())) {
                    double[] lat = new double[measured];
                    for (int i = 0; i < warm + measured; i++) {
                        String q = vocab.get(rnd.nextInt(vocab.size())) + " " + vocab.get(rnd.nextInt(vocab.size())) + " " + vocab.get(rnd.nextInt(vocab.size()));
                        float[] v = randomUnit(rnd, dim);
                        long t = System.nanoTime();
                        store.retrieve(new SearchRequest(q, v, 10, mode, Filter.readableBy(reader)));
                        if (i >= warm) lat[i - warm] = (System.nanoTime() - t) / 1e6;
                    }
                    System.out.printf("| %s | %s | %.2f | %.2f | %.2f |%n", mode.name().toLowerCase(Locale.ROOT),
                            reader.seesAll() ? "unrestricted" : "anonymous", Metrics.percentile(lat, 50),
                            Metrics.percentile(lat, 99), java.util.Arrays.stream(lat).average().orElse(0));
                }
            }
            System.out.println();
        }
        PeerBench.scale(vectors, dim);
    }

    static float[] randomUnit(Random rnd, int dim) {
        float[] v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dim; i++) v[i] *= inv;
        return v;
    }

    public static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files; the OS cleans /tmp
        }
    }
}
