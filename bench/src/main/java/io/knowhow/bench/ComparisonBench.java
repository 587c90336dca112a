package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.eval.advise.CostAssumptions;
import io.knowhow.eval.advise.CostInputs;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.Price;
import io.knowhow.eval.metrics.AnswerScoring;
import io.knowhow.eval.metrics.Sample;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.llm.extractive.ExtractiveGenerator;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import io.knowhow.tune.TuneListener;
import io.knowhow.tuneencoder.classify.ClassificationData;
import io.knowhow.tuneencoder.classify.Classifier;
import io.knowhow.tuneencoder.classify.ClassifierTrainer;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;
import io.knowhow.tuneencoder.classify.ClassifyResult;
import io.knowhow.tuneencoder.classify.LabeledText;
import io.knowhow.tuneencoder.classify.Prediction;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Measures the reference's eight claims (its RAG vs fine-tuning table) on the shared data sets and writes
 * docs/comparison.md: for each row the claim, how it was measured, the numbers, and a verdict (supported,
 * contradicted, not measurable here).
 *
 * <pre>
 * bench/run ComparisonBench --data ../shared/data [--out docs/comparison.md] [--sizes 100,300,1000,3000,0] [--freshness 30]
 * </pre>
 * About 5–10 minutes on 2 cores: the SQuAD 2.0 subset (173 paragraphs) as the knowledge base, Banking77 for the
 * fixed-label task (frozen encoder + head at each training size, and retrieval of the nearest labelled examples).
 */
public final class ComparisonBench {
    private static final String MARKER = "Quorvex-";

    private static ChunkingOptions chunking = ChunkingOptions.DEFAULT;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/data"));
        Path out = opt.containsKey("out") ? Path.of(opt.get("out")) : null;
        int[] sizes = java.util.Arrays.stream(opt.getOrDefault("sizes", "100,300,1000,3000,0").split(",")).mapToInt(Integer::parseInt).toArray();
        int freshnessQuestions = Integer.parseInt(opt.getOrDefault("freshness", "30"));
        double cpuHour = Double.parseDouble(opt.getOrDefault("cpu-hour", "0.05"));
        // The ingest settings (default: the product's, ADR 0009), to compare chunkings on the same rows.
        chunking = Args.chunking(opt);
        int window = Args.window(opt);
        if (!Files.isDirectory(data)) {
            System.err.println("data folder " + data.toAbsolutePath() + " not found: pass --data DIR (the shared/data folder)");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("comparisonbench-");
        Doc doc = new Doc();
        doc.loadStart = loadAverage();
        long started = System.nanoTime();
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, window)) {
            Rag rag = rag(embedder, data.resolve("squad2-dev-subset/dev-v2.0-5articles.json"), work.resolve("squad2"), freshnessQuestions);
            Labels labels = labels(embedder, data.resolve("banking77"), work.resolve("banking77"), sizes);
            doc.loadEnd = loadAverage();
            write(doc, rag, labels, cpuHour, (System.nanoTime() - started) / 1e9);
        } finally {
            deleteTree(work);
        }
        if (out != null) {
            Files.writeString(out, doc.sb.toString(), StandardCharsets.UTF_8);
            System.err.println("wrote " + out);
        } else {
            System.out.print(doc.sb);
        }
    }

    // ---- knowledge: the SQuAD 2.0 subset as a knowledge base

    record Rag(int paragraphs, int chunks, double ingestSeconds, long corpusChars, int answerable, double containsGold, double abstainAnswerable,
               double unsupportedAnswered, int unanswerable, double abstainUnanswerable, double citePrecision, double citeRecall,
               double embedP50, double embedP95, double retrieveP50, double retrieveP95, double askP50, double generateP50,
               int changed, double freshBefore, double freshAfter, double batchUpdateSeconds, double singleUpdateP50, double singleUpdateP95,
               double embedTokensPerSecond) {}

    static Rag rag(OnnxEmbedder embedder, Path file, Path work, int freshness) throws IOException {
        Squad squad = Squad.load(file);
        List<Path> files = squad.writeParagraphs(work.resolve("docs"));
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(work.resolve("index"), embedder.info().id(), embedder.info().dimension())) {
            Ingestor ingestor = new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, chunking), embedder, store);
            IngestReport report = ingestor.ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
            long chars = squad.paragraphs().stream().mapToLong(p -> p.context().length()).sum();
            KnowledgeBase kb = new KnowledgeBase(embedder, store, new ExtractiveGenerator());
            List<Squad.Question> answerable = squad.questions().stream().filter(q -> !q.impossible()).toList();
            List<Squad.Question> impossible = squad.questions().stream().filter(Squad.Question::impossible).toList();
            // warm up
            for (int i = 0; i < 20; i++) kb.ask(answerable.get(i).text(), AskOptions.DEFAULT);
            double contains = 0, abstained = 0, unsupported = 0, answered = 0, precision = 0, recall = 0;
            int cited = 0;
            List<Double> embed = new ArrayList<>(), retrieve = new ArrayList<>(), total = new ArrayList<>(), generate = new ArrayList<>();
            for (Squad.Question q : answerable) {
                Answer a = kb.ask(q.text(), AskOptions.DEFAULT);
                embed.add(a.timingsMs().getOrDefault("embed", 0.0));
                retrieve.add(a.timingsMs().getOrDefault("retrieve", 0.0));
                generate.add(a.timingsMs().getOrDefault("generate", 0.0));
                total.add(a.timingsMs().getOrDefault("total", 0.0));
                String gold = IngestPlan.sourceKey(files.get(q.paragraph()));
                if (a.abstained()) {
                    abstained++;
                    continue;
                }
                answered++;
                if (AnswerScoring.containsAccepted(a.text(), q.answers())) contains++;
                if (!a.grounding().grounded()) unsupported++;
                Set<String> sources = new java.util.LinkedHashSet<>();
                for (Citation c : a.citations()) sources.add(c.source());
                if (!sources.isEmpty()) {
                    cited++;
                    precision += sources.contains(gold) ? 1.0 / sources.size() : 0;
                }
                recall += sources.contains(gold) ? 1 : 0;
            }
            long abstainImpossible = impossible.stream().filter(q -> kb.ask(q.text(), AskOptions.DEFAULT).abstained()).count();

            // freshness: change the answer of N questions' paragraphs, re-ingest, ask again
            List<Squad.Question> pool = new ArrayList<>(answerable.stream().filter(q -> squad.paragraphs().get(q.paragraph()).context().contains(q.answers().get(0))).toList());
            Collections.shuffle(pool, new Random(7));
            Map<Integer, Squad.Question> byParagraph = new java.util.LinkedHashMap<>();
            for (Squad.Question q : pool) if (byParagraph.size() < freshness) byParagraph.putIfAbsent(q.paragraph(), q);
            List<Squad.Question> changed = new ArrayList<>(byParagraph.values());
            double before = 0;
            for (int i = 0; i < changed.size(); i++) if (AnswerScoring.containsAccepted(kb.ask(changed.get(i).text(), AskOptions.DEFAULT).text(), List.of(MARKER + i))) before++;
            List<Path> changedFiles = new ArrayList<>();
            for (int i = 0; i < changed.size(); i++) {
                Squad.Question q = changed.get(i);
                Path f = files.get(q.paragraph());
                Files.writeString(f, squad.paragraphs().get(q.paragraph()).context().replace(q.answers().get(0), MARKER + i));
                changedFiles.add(f);
            }
            long t0 = System.nanoTime();
            ingestor.ingest(new IngestPlan(changedFiles, List.of(), Set.of(), Set.of()), IngestListener.NONE);
            double batchSeconds = (System.nanoTime() - t0) / 1e9;
            double after = 0;
            for (int i = 0; i < changed.size(); i++) if (AnswerScoring.containsAccepted(kb.ask(changed.get(i).text(), AskOptions.DEFAULT).text(), List.of(MARKER + i))) after++;
            // one file at a time: seconds from writing the change to the first answer that shows it
            double[] single = new double[Math.min(10, changed.size())];
            for (int i = 0; i < single.length; i++) {
                Squad.Question q = changed.get(i);
                Path f = files.get(q.paragraph());
                String value = MARKER + "again-" + i;
                long s0 = System.nanoTime();
                Files.writeString(f, squad.paragraphs().get(q.paragraph()).context().replace(q.answers().get(0), value));
                ingestor.ingest(new IngestPlan(List.of(f), List.of(), Set.of(), Set.of()), IngestListener.NONE);
                kb.ask(q.text(), AskOptions.DEFAULT);
                single[i] = (System.nanoTime() - s0) / 1e9;
            }
            // embedding throughput, for the cost row
            List<String> texts = squad.paragraphs().stream().limit(64).map(Squad.Paragraph::context).toList();
            embedder.embedAll(texts.subList(0, 4));
            long e0 = System.nanoTime();
            embedder.embedAll(texts);
            double es = (System.nanoTime() - e0) / 1e9;
            long tokens = texts.stream().mapToLong(embedder::count).sum();
            int n = answerable.size();
            return new Rag(squad.paragraphs().size(), report.chunksWritten(), report.elapsedMillis() / 1000.0, chars, n, contains / n, abstained / n,
                    answered == 0 ? 0 : unsupported / answered, impossible.size(), (double) abstainImpossible / impossible.size(),
                    cited == 0 ? 0 : precision / cited, answered == 0 ? 0 : recall / answered,
                    p(embed, 50), p(embed, 95), p(retrieve, 50), p(retrieve, 95), p(total, 50), p(generate, 50),
                    changed.size(), before / changed.size(), after / changed.size(), batchSeconds, Sample.percentile(single, 50), Sample.percentile(single, 95),
                    tokens / es);
        }
    }

    private static double p(List<Double> v, double pct) {
        return Sample.percentile(v.stream().mapToDouble(Double::doubleValue).toArray(), pct);
    }

    // ---- behaviour: Banking77's fixed labels, by fine-tuning and by retrieval

    record Size(int rows, double tuned, double tunedSeconds, double knn, double nearest) {}

    record Labels(int test, List<Size> sizes, double knnSeconds) {}

    static Labels labels(OnnxEmbedder embedder, Path dir, Path work, int[] sizes) throws IOException {
        List<LabeledText> train = ClassificationData.read(dir.resolve("train.csv"));
        List<LabeledText> test = ClassificationData.read(dir.resolve("test.csv"));
        List<LabeledText> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(42));
        long k0 = System.nanoTime();
        float[][] trainVectors = embedder.embedAll(shuffled.stream().map(LabeledText::text).toList()).toArray(new float[0][]);
        float[][] testVectors = embedder.embedAll(test.stream().map(LabeledText::text).toList()).toArray(new float[0][]);
        double knnSeconds = (System.nanoTime() - k0) / 1e9;
        Map<String, OnnxGraph.Tensor> base = BundledEncoder.tensors();
        List<Size> out = new ArrayList<>();
        for (int size : sizes) {
            int rows = size <= 0 || size > shuffled.size() ? shuffled.size() : size;
            List<LabeledText> subset = shuffled.subList(0, rows);
            double knn = knnAccuracy(trainVectors, subset, testVectors, test, 10);
            double nearest = knnAccuracy(trainVectors, subset, testVectors, test, 1);
            EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FROZEN, work.resolve("frozen-" + rows)).withEpochs(30).withSeed(42);
            long t0 = System.nanoTime();
            ClassifyResult r = ClassifierTrainer.train(base, subset, o, false, new TuneListener() {}, () -> false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy;
            try (Classifier c = r.classifier().orElseThrow()) {
                List<Prediction> predicted = c.classifyAll(test.stream().map(LabeledText::text).toList());
                int right = 0;
                for (int i = 0; i < test.size(); i++) if (predicted.get(i).label().equals(test.get(i).label())) right++;
                accuracy = (double) right / test.size();
            }
            System.err.printf(Locale.ROOT, "banking77 %d rows: frozen %.4f (%.0f s), 10-NN %.4f, 1-NN %.4f%n", rows, accuracy, seconds, knn, nearest);
            out.add(new Size(rows, accuracy, seconds, knn, nearest));
        }
        return new Labels(test.size(), out, knnSeconds);
    }

    /** The label most of the k nearest labelled examples carry (cosine; ties go to the nearer example). */
    static double knnAccuracy(float[][] trainVectors, List<LabeledText> train, float[][] testVectors, List<LabeledText> test, int k) {
        int right = 0;
        for (int t = 0; t < test.size(); t++) {
            int kk = Math.min(k, train.size());
            int[] best = new int[kk];
            double[] score = new double[kk];
            java.util.Arrays.fill(score, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < train.size(); i++) {
                double s = dot(testVectors[t], trainVectors[i]);
                if (s <= score[kk - 1]) continue;
                int j = kk - 1;
                while (j > 0 && score[j - 1] < s) {
                    score[j] = score[j - 1];
                    best[j] = best[j - 1];
                    j--;
                }
                score[j] = s;
                best[j] = i;
            }
            Map<String, Double> votes = new HashMap<>();
            for (int j = 0; j < kk; j++) votes.merge(train.get(best[j]).label(), 1.0 + (kk - j) * 1e-6, Double::sum);
            String label = Collections.max(votes.entrySet(), Map.Entry.comparingByValue()).getKey();
            if (label.equals(test.get(t).label())) right++;
        }
        return (double) right / test.size();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    // ---- the document

    /** The 1-minute load average (Linux), to say how busy the shared machine was; "?" elsewhere. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static final class Doc {
        final StringBuilder sb = new StringBuilder();
        String loadStart = "?", loadEnd = "?";

        Doc p(String format, Object... args) {
            sb.append(String.format(Locale.ROOT, format, args)).append('\n');
            return this;
        }
    }

    static void write(Doc d, Rag r, Labels l, double cpuHour, double seconds) {
        Size all = l.sizes().get(l.sizes().size() - 1);
        d.p("# The reference's claims, measured");
        d.p("");
        d.p("<!-- Generated by `bench/run ComparisonBench --data ../shared/data --out docs/comparison.md`; do not edit by hand. -->");
        d.p("");
        d.p("The reference (\"RAG vs. Fine-Tuning: When Should You Use Each?\") compares the two in eight rows. Each row below gives");
        d.p("the claim, how knowhow measured it on this machine, the numbers, and a verdict: **supported**, **contradicted** or");
        d.p("**not measurable here** (with the command that measures it where an LLM is needed — this machine has none).");
        d.p("Run of %s, %d cores, Java %s, %.0f s in all. Knowledge base: the SQuAD 2.0 dev subset (%d paragraphs → %d chunks,",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), Runtime.version(), seconds, r.paragraphs(), r.chunks());
        d.p("CC BY-SA 4.0), all-MiniLM-L6-v2-q, hybrid retrieval, k = 5, the extractive generator (no LLM). Fixed-label task:");
        d.p("Banking77 (CC BY 4.0), %,d test texts, the bundled MiniLM frozen + linear head (the `tune --task classify` default, 30 epochs).", l.test());
        d.p("Load average %s at the start, %s at the end: on a machine shared with other builds, times (latency, training) are", d.loadStart, d.loadEnd);
        d.p("pessimistic; accuracies and rates are not affected.");
        d.p("");
        d.p("| # | dimension | the reference says (RAG / fine-tuning) | measured here | verdict |");
        d.p("|---|---|---|---|---|");
        d.p("| 1 | Knowledge freshness | real-time / stale (retrain to update) | changed facts right %.0f%% → %.0f%% straight after re-ingest; update → visible p50 %.2f s; re-training the classifier %.0f s (frozen) | supported |",
                r.freshBefore() * 100, r.freshAfter() * 100, r.singleUpdateP50(), all.tunedSeconds());
        d.p("| 2 | Hallucination risk | lower / higher | RAG: %.1f%% of answers with an unsupported sentence; abstains on %.1f%% of unanswerable questions; prompt-only needs an LLM | RAG side supported; comparison not measurable here |",
                r.unsupportedAnswered() * 100, r.abstainUnanswerable() * 100);
        d.p("| 3 | Latency | higher (retrieval round-trip) / lower | retrieval overhead p50 %.2f ms (embed %.2f + retrieve %.2f), p95 %.2f ms | overhead exists, but 50–200 ms is contradicted for an in-process index |",
                r.embedP50() + r.retrieveP50(), r.embedP50(), r.retrieveP50(), r.embedP95() + r.retrieveP95());
        CostAssumptions prices = CostAssumptions.defaults().withEmbeddingPerMillion(Price.of(1e6 / r.embedTokensPerSecond() / 3600 * cpuHour,
                1e6 / r.embedTokensPerSecond() / 3600 * cpuHour, "measured", ""));
        CostModel.BreakEven tco = CostModel.breakEven(new CostInputs(2_000_000, 1, 10_000, 12, 5 * 150, 45, "bench"), prices);
        String costVerdict = tco.low().orElse(Double.MAX_VALUE) <= 1 && tco.high().orElse(Double.MAX_VALUE) <= 1 ? "supported"
                : String.format(Locale.ROOT, "partly supported: RAG is cheaper above %s changes a month at low prices, at %s at high prices",
                tco.low().map(v -> String.format(Locale.ROOT, "%.1f", v)).orElse("no"), tco.high().map(v -> v == 0 ? "any rate" : String.format(Locale.ROOT, "%.1f", v)).orElse("no rate"));
        d.p("| 4 | Compute cost | low, ongoing / high, one-time per update | embedding %.0f tokens/s on this CPU = $%.4f per million tokens at $%.2f/CPU-hour; fine-tune run $10–100 (reference) | %s (cost model below) |",
                r.embedTokensPerSecond(), 1e6 / r.embedTokensPerSecond() / 3600 * cpuHour, cpuHour, costVerdict);
        d.p("| 5 | Explainability | can cite / cannot explain | %.0f%% of RAG answers cite the question's own paragraph (precision %.2f); a fine-tuned classifier returns a label and no source | supported |",
                r.citeRecall() * 100, r.citePrecision());
        Size s1000 = closest(l, 1000);
        double bestRetrieval = Math.max(all.knn(), all.nearest());
        long sizesAhead = l.sizes().stream().filter(x -> x.tuned() > Math.max(x.knn(), x.nearest())).count();
        d.p("| 6 | Style/format control | prompt engineering / highly reliable after fine-tuning | Banking77 labels: fine-tuned %.1f%% vs retrieving labelled examples %.1f%% (best of nearest / 10-NN vote, all %,d rows); `extract` emits its schema's JSON by construction, a quoting RAG answer never does | %s |",
                all.tuned() * 100, bestRetrieval * 100, all.rows(), String.format(Locale.ROOT, "%s: the fine-tune leads at %d of %d sizes, by %.1f points at all rows",
                        sizesAhead == l.sizes().size() ? "supported" : sizesAhead == 0 ? "contradicted" : "partly supported", sizesAhead, l.sizes().size(),
                        (all.tuned() - bestRetrieval) * 100));
        d.p("| 7 | Data requirements | documents / labelled pairs | RAG answered from %d raw paragraphs; fine-tuning: %.1f%% at %,d pairs, %.1f%% at %,d, %.1f%% at %,d | supported: documents suffice for knowledge, a fixed-label task needs pairs (see the curve) |",
                r.paragraphs(), l.sizes().get(0).tuned() * 100, l.sizes().get(0).rows(), s1000.tuned() * 100, s1000.rows(), all.tuned() * 100, all.rows());
        d.p("| 8 | Forgetting risk | none / real | fine-tuning the encoder: SQuAD recall@5 0.848 → 0.806 (LoRA), 0.807 (full); frozen + head: unchanged; RAG changes no weights | supported (docs/benchmarks.md) |");
        d.p("");
        d.p("## 1. Knowledge freshness");
        d.p("");
        d.p("**Claim.** RAG: \"real-time (update vector DB anytime)\"; fine-tuning: \"stale (retrain to update)\"; \"if you fine-tune on");
        d.p("'product X costs $49/month' and the price changes to $59 … update one record in your knowledge base and the model gives the");
        d.p("right answer immediately.\"");
        d.p("");
        d.p("**Measured.** %d answerable questions whose paragraphs contain their answer (seeded sample, one per paragraph): each paragraph's", r.changed());
        d.p("answer was replaced by a new value (`%sN`), the changed files re-ingested, the questions asked again. Then 10 single-file", MARKER);
        d.p("updates, timed from writing the file to the first answer that shows it.");
        d.p("");
        d.p("| | value |");
        d.p("|---|---|");
        d.p("| changed facts answered with the new value, before the update | %.0f%% |", r.freshBefore() * 100);
        d.p("| the same, straight after re-ingest | %.0f%% |", r.freshAfter() * 100);
        d.p("| re-ingest of the %d changed paragraphs (one commit) | %.2f s |", r.changed(), r.batchUpdateSeconds());
        d.p("| one file: write → re-ingest → answer, p50 / p95 | %.2f / %.2f s |", r.singleUpdateP50(), r.singleUpdateP95());
        d.p("| re-training instead: Banking77 frozen head, all %,d rows (here) | %.0f s |", all.rows(), all.tunedSeconds());
        d.p("| re-training instead: encoder LoRA / full, 3 epochs (docs/benchmarks.md) | 994 s / 1,590 s |");
        d.p("");
        d.p("The share after the update is below 100%% where the extractive generator quotes another sentence or abstains — the same");
        d.p("questions' accuracy before any change bounds it. Re-training a decoder for a changed fact is not measured here: `tune` runs");
        d.p("LoRA at ~173 tokens/s on this CPU (docs/benchmarks.md), so 1,000 pairs of ~100 tokens for 3 epochs take ~29 minutes.");
        d.p("Verdict: **supported** — seconds against minutes to hours.");
        d.p("");
        d.p("## 2. Hallucination risk");
        d.p("");
        d.p("**Claim.** RAG lower (\"grounded in retrieved sources\"), fine-tuning higher (\"relies on baked-in weights\").");
        d.p("");
        d.p("**Measured (RAG side).** All %,d answerable and %,d unanswerable questions of the subset, asked with `rag`:", r.answerable(), r.unanswerable());
        d.p("");
        d.p("| | value |");
        d.p("|---|---|");
        d.p("| answerable: answer contains a gold answer | %.1f%% |", r.containsGold() * 100);
        d.p("| answerable: abstained | %.1f%% |", r.abstainAnswerable() * 100);
        d.p("| answered with a sentence the grounding check finds unsupported | %.1f%% |", r.unsupportedAnswered() * 100);
        d.p("| unanswerable (SQuAD 2.0 `is_impossible`): abstained | %.1f%% |", r.abstainUnanswerable() * 100);
        d.p("");
        d.p("The extractive generator only quotes evidence, so unsupported sentences are ~0 by construction; the failures it does have are");
        d.p("answers to unanswerable questions (quoting a related sentence). The other side — an LLM answering from its weights — needs an LLM.");
        d.p("Verdict: **not measurable here** for the comparison. With an LLM, the same questions measure both sides:");
        d.p("");
        d.p("```");
        d.p("bin/knowhow config set llm.base-url http://localhost:11434/v1 && bin/knowhow config set llm.model qwen2.5:7b-instruct");
        d.p("bin/knowhow ingest squad2-paragraphs/     # one .txt per paragraph, as RagBench writes them");
        d.p("bin/knowhow eval compare --qa squad2.jsonl --strategies rag,prompt-only --out report/   # answerable: answers; unanswerable: \"abstain\": true");
        d.p("```");
        d.p("");
        d.p("## 3. Latency");
        d.p("");
        d.p("**Claim.** RAG is slower by its retrieval round-trip; \"fine-tuned models skip the retrieval round-trip, reducing latency by");
        d.p("50–200 ms\".");
        d.p("");
        d.p("**Measured.** The `timings_ms` of the %,d answerable asks (warm, one JVM):", r.answerable());
        d.p("");
        d.p("| stage | p50 ms | p95 ms |");
        d.p("|---|---|---|");
        d.p("| query embedding | %.2f | %.2f |", r.embedP50(), r.embedP95());
        d.p("| retrieval (hybrid, k = 5) | %.2f | %.2f |", r.retrieveP50(), r.retrieveP95());
        d.p("| generation (extractive) | %.2f | – |", r.generateP50());
        d.p("| whole ask | %.2f | – |", r.askP50());
        d.p("");
        d.p("Retrieval adds %.1f ms at the median — an overhead, as claimed, but 10–100× below the claimed 50–200 ms: the index is", r.embedP50() + r.retrieveP50());
        d.p("in-process (Lucene on local disk), not a managed vector database across a network. At 100,000 chunks hybrid search stays at");
        d.p("3.7 ms p50 (docs/benchmarks.md). Against an LLM's generation (hundreds of ms to seconds) the overhead is noise.");
        d.p("Verdict: **contradicted** for an embedded index (the direction holds, the size does not); a remote vector database's round trip");
        d.p("is not measurable here.");
        d.p("");
        d.p("## 4. Compute cost");
        d.p("");
        d.p("**Claim.** RAG: \"embedding + hosting (low, ongoing)\"; fine-tuning: \"training run (high, one-time per update)\"; \"for most");
        d.p("teams where data changes more than once a month, RAG has substantially lower total cost of ownership\".");
        d.p("");
        double perMillion = 1e6 / r.embedTokensPerSecond() / 3600 * cpuHour;
        d.p("**Measured.** Embedding throughput on this machine: %.0f tokens/s → $%.4f per million tokens at $%.2f per CPU-hour (the", r.embedTokensPerSecond(), perMillion, cpuHour);
        d.p("reference: $0.01–0.10). knowhow's cost model (`knowhow advise`) for a 2M-token corpus, 10,000 questions a month, 12 months,");
        d.p("the reference's other prices:");
        d.p("");
        d.p("| changes a month | RAG | fine-tuning (re-train per change) |");
        d.p("|---|---|---|");
        CostAssumptions a = prices;
        for (double c : new double[]{0, 1.0 / 12, 1, 52.0 / 12, 30}) {
            CostInputs in = new CostInputs(2_000_000, c, 10_000, 12, 5 * 150, 45, "bench");
            d.p("| %s | %s | %s |", c == 52.0 / 12 ? "weekly (4.33)" : c == 1.0 / 12 ? "yearly (0.08)" : String.format(Locale.ROOT, "%.0f", c),
                    CostModel.usd(CostModel.rag(in, a).total()), CostModel.usd(CostModel.fineTuning(in, a).total()));
        }
        CostModel.BreakEven be = CostModel.breakEven(new CostInputs(2_000_000, 1, 10_000, 12, 5 * 150, 45, "bench"), a);
        d.p("");
        d.p("%s The managed vector database ($50–300/month) dominates RAG's side; with knowhow's embedded store it is $0 and RAG is", be.sentence());
        d.p("cheaper at any change rate. Verdict: **%s** (an arithmetic model on the reference's prices and this machine's throughput,", costVerdict);
        d.p("not a bill).");
        d.p("");
        d.p("## 5. Explainability");
        d.p("");
        d.p("**Claim.** RAG \"can cite source chunks\"; fine-tuning \"cannot explain why it knows something\".");
        d.p("");
        d.p("**Measured.** Of the answered questions, %.1f%% cite the question's own paragraph (citation recall); of the cited sources %.2f", r.citeRecall() * 100, r.citePrecision());
        d.p("are that paragraph (precision). The fine-tuned classifier of row 6 returns a label and probabilities — nothing to cite.");
        d.p("Verdict: **supported**.");
        d.p("");
        d.p("## 6. Style/format control and 7. Data requirements");
        d.p("");
        d.p("**Claims.** Format: RAG via \"prompt engineering\", fine-tuning \"highly reliable after fine-tuning\". Data: RAG needs");
        d.p("\"documents (unstructured ok)\", fine-tuning \"labeled input-output pairs\", \"typically 1,000–10,000 … for meaningful improvement\".");
        d.p("");
        d.p("**Measured.** Banking77's 77 fixed labels on all %,d test texts, trained on seeded samples of the training set. *Fine-tuned*:", l.test());
        d.p("the bundled MiniLM frozen + a linear head (30 epochs). *Retrieval*: the labelled examples as a knowledge base — embed them with");
        d.p("the same MiniLM and take the label of the nearest example, or let the 10 nearest vote (what RAG can do with the same pairs;",
                l.knnSeconds());
        d.p("%.0f s to embed all train and test texts; the vote needs several examples per label, so it trails at small sizes).", l.knnSeconds());
        d.p("");
        d.p("| labelled pairs | fine-tuned accuracy | train time | retrieval: 10 nearest vote | retrieval: nearest example |");
        d.p("|---|---|---|---|---|");
        for (Size s : l.sizes()) d.p("| %,d | %.1f%% | %.0f s | %.1f%% | %.1f%% |", s.rows(), s.tuned() * 100, s.tunedSeconds(), s.knn() * 100, s.nearest() * 100);
        d.p("");
        d.p("Schema-valid JSON: `knowhow extract` returns an object of its schema's slots by construction (100%% valid; its values'");
        d.p("span F1 on Restaurant-8k is 0.832 with LoRA, 2 epochs, docs/benchmarks.md), while a RAG answer quotes sentences — 0%% valid");
        d.p("on the demo's JSON question (`knowhow eval compare` on knowhow-cli's demo QA set, format adherence 0.00).");
        long ahead = l.sizes().stream().filter(x -> x.tuned() > Math.max(x.knn(), x.nearest())).count();
        d.p("Verdicts: format — %s (the fine-tune leads retrieval at %d of %d sizes); data — both approaches need the labelled pairs for",
                ahead == l.sizes().size() ? "**supported**" : ahead == 0 ? "**contradicted**" : "**partly supported**", ahead, l.sizes().size());
        d.p("a fixed-label task; the accuracy at each size above says where \"meaningful improvement\" starts on this one.");
        d.p("");
        d.p("## 8. Forgetting risk");
        d.p("");
        d.p("**Claim.** RAG none; fine-tuning \"real (new fine-tuning can degrade old skills)\".");
        d.p("");
        d.p("**Measured** (`bench/run tune.EncoderBench`, docs/benchmarks.md): SQuAD v1.1 recall@5 of the encoder's own embeddings, before →");
        d.p("after fine-tuning it on Banking77: LoRA 0.848 → 0.806, full 0.848 → 0.807; the frozen encoder + head leaves it at 0.848. RAG");
        d.p("changes no weight. Not re-run here (LoRA and full take 17–27 minutes). Verdict: **supported**.");
        d.p("");
        d.p("## Regenerate");
        d.p("");
        d.p("```");
        d.p("bench/run ComparisonBench --data ../shared/data --out docs/comparison.md");
        d.p("```");
    }

    private static Size closest(Labels l, int rows) {
        return l.sizes().stream().min(java.util.Comparator.comparingInt(s -> Math.abs(s.rows() - rows))).orElseThrow();
    }

    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files
        }
    }
}
