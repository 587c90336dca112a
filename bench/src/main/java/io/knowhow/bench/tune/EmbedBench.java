package io.knowhow.bench.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneProgress;
import io.knowhow.tuneencoder.embed.EmbedOptions;
import io.knowhow.tuneencoder.embed.EmbeddingTrainer;
import io.knowhow.tuneencoder.embed.TextPair;
import io.knowhow.tuneencoder.embed.TunedEmbedder;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.model.SentenceEmbedder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Measures retrieval adaptation ({@code knowhow tune --task embed}) on SciFact, the BEIR way: train on the
 * claims of {@code qrels/train.tsv} paired with their cited abstracts (in-batch negatives), evaluate on the
 * 300 test claims against all 5,183 abstracts — nDCG@10 and recall@10 of the encoder's own embeddings
 * (brute-force cosine, title + abstract cut at 256 tokens) before and after, LoRA and full. The train and
 * test claims are disjoint; the abstracts are shared, as in BEIR. Optional: SQuAD v1.1 recall@5 before and
 * after, to see what the adaptation costs on another domain.
 *
 * <pre>
 * bench/run tune.EmbedBench [--data DIR] [--methods LORA,FULL] [--epochs 1] [--batch 16]
 *      [--lr-lora 1e-3] [--lr-full 2e-5] [--squad-questions 0] [--seed 42] [--out DIR] [--hybrid true]
 * </pre>
 */
public final class EmbedBench {
    private EmbedBench() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        Path data = Path.of(a.getOrDefault("data", System.getProperty("knowhow.shared.data", "../shared/data")));
        List<EmbedOptions.Method> methods = Arrays.stream(a.getOrDefault("methods", "LORA,FULL").split(","))
                .map(s -> EmbedOptions.Method.valueOf(s.strip().toUpperCase(Locale.ROOT))).toList();
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "1"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "16"));
        int squadQuestions = Integer.parseInt(a.getOrDefault("squad-questions", "0"));
        // The product's hybrid search on SciFact (RagBench's pipeline, default chunking) with each encoder as the knowledge
        // base's embedder: what `tune --task embed` + `reindex` gives a user, not the encoder alone.
        boolean hybrid = Boolean.parseBoolean(a.getOrDefault("hybrid", "false"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        Path out = Path.of(a.getOrDefault("out", Files.createTempDirectory("embed-bench").toString()));

        SciFact sf = SciFact.read(data.resolve("scifact"));
        EncoderBench.Squad squad = squadQuestions > 0 ? EncoderBench.Squad.read(data.resolve("squad-v1.1-dev/dev-v1.1.json"), squadQuestions, seed) : null;
        System.out.printf(Locale.ROOT, "SciFact: %d training pairs (%d claims), %d test claims, %d abstracts; %d threads; out %s%n",
                sf.train().size(), sf.train().stream().map(TextPair::query).distinct().count(), sf.testQueries().size(), sf.docIds().size(),
                Runtime.getRuntime().availableProcessors(), out);

        Map<String, OnnxGraph.Tensor> base = BundledEncoder.tensors();
        long t0 = System.nanoTime();
        double[] before;
        String squadBefore = "not measured";
        try (BertEncoder encoder = BundledEncoder.load(base); EncoderTokenizer tok = BundledEncoder.tokenizer(256)) {
            SentenceEmbedder e = new SentenceEmbedder(encoder, null, tok, 32);
            before = sf.evaluate(e::embed);
            if (squad != null) squadBefore = String.format(Locale.ROOT, "%.3f", squad.recallAt5(e));
        }
        System.out.printf(Locale.ROOT, "base encoder: SciFact nDCG@10 %.3f recall@10 %.3f; SQuAD recall@5 %s (%.0f s)%n", before[0], before[1],
                squadBefore, (System.nanoTime() - t0) / 1e9);

        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "| base (all-MiniLM-L6-v2, f32) | — | %.3f | %.3f | %s | — |", before[0], before[1], squadBefore));
        for (EmbedOptions.Method m : methods) {
            double lr = Double.parseDouble(a.getOrDefault("lr-" + m.name().toLowerCase(Locale.ROOT), m == EmbedOptions.Method.LORA ? "1e-3" : "2e-5"));
            EmbedOptions options = EmbedOptions.defaults(m, out.resolve(m.name().toLowerCase(Locale.ROOT))).with(epochs, batch, lr, 256).withSeed(seed);
            long start = System.nanoTime();
            EmbeddingTrainer.Result r = EmbeddingTrainer.train(base, sf.train(), options, new TuneListener() {
                @Override
                public void onStep(TuneProgress p) {
                    if (p.step() % Math.max(1, p.totalSteps() / 10) == 0)
                        System.out.printf(Locale.ROOT, "  %s step %d/%d loss %.3f eta %ds%n", m, p.step(), p.totalSteps(), p.loss(), p.eta().toSeconds());
                }
            });
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            try (TunedEmbedder e = r.embedder().orElseThrow()) {
                if (hybrid) {
                    long h0 = System.nanoTime();
                    Path work = Files.createTempDirectory("embed-bench-hybrid");
                    try (var counter = io.knowhow.embed.onnx.OnnxEmbedder.bundled(io.knowhow.embed.onnx.BundledModel.ALL_MINILM_L6_V2_Q)) {
                        System.out.printf(Locale.ROOT, "%s encoder as the knowledge base's embedder, SciFact through the product pipeline:%n", m);
                        io.knowhow.bench.RagBench.scifact(e, counter, data.resolve("scifact"), work);
                    } finally {
                        io.knowhow.bench.RagBench.deleteTree(work); // the index and the 5,183 abstract files
                    }
                    System.out.printf(Locale.ROOT, "(%.0f s)%n", (System.nanoTime() - h0) / 1e9);
                }
                double[] after = sf.evaluate(texts -> e.embedAll(texts).toArray(float[][]::new));
                String squadAfter = "not measured";
                if (squad != null)
                    squadAfter = String.format(Locale.ROOT, "%s → %.3f", squadBefore, squad.recallAt5(texts -> e.embedAll(texts).toArray(float[][]::new)));
                String row = String.format(Locale.ROOT, "| %s, %d epoch(s), lr %s | %d | %.3f → %.3f | %.3f → %.3f | %s | %.0f s |", m, epochs, lr,
                        r.steps(), before[0], after[0], before[1], after[1], squadAfter, trainSeconds);
                System.out.println(row);
                rows.add(row);
            }
        }
        System.out.println();
        System.out.println("| encoder | steps | SciFact nDCG@10 | recall@10 | SQuAD recall@5 | train time |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** SciFact in BEIR layout: training pairs from qrels/train.tsv, test claims from qrels/test.tsv, all abstracts. */
    record SciFact(List<TextPair> train, List<String> testQueries, List<Set<String>> testRelevant, List<String> docIds, List<String> docTexts) {
        static SciFact read(Path dir) throws IOException {
            ObjectMapper json = new ObjectMapper();
            Map<String, String> docs = new LinkedHashMap<>();
            for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
                JsonNode n = json.readTree(line);
                docs.put(n.get("_id").asText(), (n.get("title").asText() + ". " + n.get("text").asText()).strip());
            }
            Map<String, String> queries = new HashMap<>();
            for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
                JsonNode n = json.readTree(line);
                queries.put(n.get("_id").asText(), n.get("text").asText());
            }
            List<TextPair> train = new ArrayList<>();
            for (String[] f : qrels(dir.resolve("qrels/train.tsv")))
                train.add(new TextPair(queries.get(f[0]), docs.get(f[1]), train.size() + 1));
            Map<String, Set<String>> test = new LinkedHashMap<>();
            for (String[] f : qrels(dir.resolve("qrels/test.tsv"))) test.computeIfAbsent(f[0], k -> new LinkedHashSet<>()).add(f[1]);
            return new SciFact(train, test.keySet().stream().map(queries::get).toList(), new ArrayList<>(test.values()),
                    new ArrayList<>(docs.keySet()), new ArrayList<>(docs.values()));
        }

        private static List<String[]> qrels(Path file) throws IOException {
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split("\t");
                if (f.length < 3 || f[0].equals("query-id") || Integer.parseInt(f[2].trim()) <= 0) continue;
                out.add(f);
            }
            return out;
        }

        /** {nDCG@10, recall@10} of the test claims, ranking every abstract by cosine. */
        double[] evaluate(Function<List<String>, float[][]> embed) {
            float[][] d = embed.apply(docTexts);
            float[][] q = embed.apply(testQueries);
            double ndcg = 0, recall = 0;
            for (int i = 0; i < q.length; i++) {
                double[] scores = new double[d.length];
                for (int j = 0; j < d.length; j++) scores[j] = dot(q[i], d[j]);
                Integer[] order = new Integer[d.length];
                for (int j = 0; j < order.length; j++) order[j] = j;
                Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
                Set<String> relevant = testRelevant.get(i);
                double dcg = 0, ideal = 0;
                int found = 0;
                for (int r = 0; r < 10; r++) {
                    if (relevant.contains(docIds.get(order[r]))) {
                        dcg += 1 / log2(r + 2);
                        found++;
                    }
                    if (r < relevant.size()) ideal += 1 / log2(r + 2);
                }
                ndcg += dcg / ideal;
                recall += (double) found / relevant.size();
            }
            return new double[] {ndcg / q.length, recall / q.length};
        }

        private static double log2(double x) {
            return Math.log(x) / Math.log(2);
        }

        private static double dot(float[] a, float[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i] * b[i];
            return s;
        }
    }
}
