package io.knowhow.bench.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneProgress;
import io.knowhow.tuneencoder.classify.ClassificationData;
import io.knowhow.tuneencoder.classify.Classifier;
import io.knowhow.tuneencoder.classify.ClassifierTrainer;
import io.knowhow.tuneencoder.classify.ClassifyResult;
import io.knowhow.tuneencoder.classify.LabeledText;
import io.knowhow.tuneencoder.classify.Prediction;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.model.SentenceEmbedder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures classification fine-tuning of the bundled encoder on Banking77 (accuracy and macro-F1 on the
 * 3,080 test texts, wall time) for FROZEN, LORA and FULL, and what each fine-tune does to retrieval:
 * recall@5 of SQuAD v1.1 dev questions against all dev paragraphs (brute-force cosine; gold = the
 * question's paragraph) with the encoder before and after. Prints a markdown table.
 *
 * <pre>
 * bench/run tune.EncoderBench [--data DIR] [--train-rows 3000] [--modes FROZEN,LORA,FULL]
 *      [--epochs-frozen 30] [--epochs-lora 2] [--epochs-full 2] [--lr-full 1e-4] [--head-lr-full 1e-2] [--batch-full 32] [--label-smoothing-full 0.1] (likewise -frozen, -lora) [--questions 1000] [--passage-tokens 256] [--seed 42] [--out DIR]
 * </pre>
 * {@code --questions 0} skips the retrieval measurement.
 * {@code --data} is the folder holding banking77/ and squad-v1.1-dev/ (default: system property
 * knowhow.shared.data, else ../shared/data). Training rows are a seeded sample of train.csv (0 for all).
 */
public final class EncoderBench {
    private EncoderBench() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        Path data = Path.of(a.getOrDefault("data", System.getProperty("knowhow.shared.data", "../shared/data")));
        int trainRows = Integer.parseInt(a.getOrDefault("train-rows", "3000"));
        List<EncoderTuneOptions.Mode> modes = java.util.Arrays.stream(a.getOrDefault("modes", "FROZEN,LORA,FULL").split(","))
                .map(s -> EncoderTuneOptions.Mode.valueOf(s.strip().toUpperCase(Locale.ROOT))).toList();
        int questions = Integer.parseInt(a.getOrDefault("questions", "1000"));
        int passageTokens = Integer.parseInt(a.getOrDefault("passage-tokens", "256"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        Path out = Path.of(a.getOrDefault("out", Files.createTempDirectory("encoder-bench").toString()));

        List<LabeledText> train = ClassificationData.read(data.resolve("banking77/train.csv"));
        List<LabeledText> test = ClassificationData.read(data.resolve("banking77/test.csv"));
        if (trainRows > 0 && trainRows < train.size()) {
            List<LabeledText> shuffled = new ArrayList<>(train);
            Collections.shuffle(shuffled, new Random(seed));
            train = shuffled.subList(0, trainRows);
        }
        Squad squad = Squad.read(data.resolve("squad-v1.1-dev/dev-v1.1.json"), questions, seed);
        System.out.printf(Locale.ROOT, "Banking77: %d training rows (of train.csv), %d test rows; SQuAD: %d questions against %d paragraphs; "
                + "%d threads; out %s%n", train.size(), test.size(), squad.questions.size(), squad.paragraphs.size(),
                Runtime.getRuntime().availableProcessors(), out);

        Map<String, OnnxGraph.Tensor> base = BundledEncoder.tensors();
        double recallBefore = Double.NaN;
        long t0 = System.nanoTime();
        if (questions > 0) {
            try (BertEncoder encoder = BundledEncoder.load(base); EncoderTokenizer tok = BundledEncoder.tokenizer(passageTokens)) {
                recallBefore = squad.recallAt5(new SentenceEmbedder(encoder, null, tok, 32));
            }
        }
        System.out.printf(Locale.ROOT, "base encoder: SQuAD recall@5 %.3f (%.0f s)%n", recallBefore, (System.nanoTime() - t0) / 1e9);

        List<String> rows = new ArrayList<>();
        for (EncoderTuneOptions.Mode mode : modes) {
            int epochs = Integer.parseInt(a.getOrDefault("epochs-" + mode.name().toLowerCase(Locale.ROOT), mode == EncoderTuneOptions.Mode.FROZEN ? "30" : "2"));
            String name = mode.name().toLowerCase(Locale.ROOT);
            EncoderTuneOptions options = EncoderTuneOptions.defaults(mode, out.resolve(name)).withEpochs(epochs).withSeed(seed);
            // --lr-full 5e-5, --head-lr-full 1e-3, --batch-full 16 …: a mode's learning rates and batch other than the CLI defaults.
            options = options.withLearningRates(Double.parseDouble(a.getOrDefault("lr-" + name, Double.toString(options.learningRate()))),
                    Double.parseDouble(a.getOrDefault("head-lr-" + name, Double.toString(options.headLearningRate()))));
            options = options.withBatchSize(Integer.parseInt(a.getOrDefault("batch-" + name, Integer.toString(options.batchSize()))));
            options = options.withLabelSmoothing(Double.parseDouble(a.getOrDefault("label-smoothing-" + name, Double.toString(options.labelSmoothing()))));
            System.out.printf(Locale.ROOT, "%s: %d epochs, batch %d, rate %s (head %s), label smoothing %s, seed %d%n", mode, options.epochs(),
                    options.batchSize(), options.learningRate(), options.headLearningRate(), options.labelSmoothing(), options.seed());
            long start = System.nanoTime();
            ClassifyResult r = ClassifierTrainer.train(base, train, options, false, new TuneListener() {
                @Override
                public void onStep(TuneProgress p) {
                    if (p.step() % Math.max(1, p.totalSteps() / 10) == 0)
                        System.out.printf(Locale.ROOT, "  %s step %d/%d loss %.3f eta %ds%n", mode, p.step(), p.totalSteps(), p.loss(), p.eta().toSeconds());
                }
            }, () -> false);
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            try (Classifier c = r.classifier().orElseThrow()) {
                long e0 = System.nanoTime();
                List<Prediction> predicted = c.classifyAll(test.stream().map(LabeledText::text).toList());
                double evalSeconds = (System.nanoTime() - e0) / 1e9;
                double accuracy = 0;
                for (int i = 0; i < test.size(); i++) if (predicted.get(i).label().equals(test.get(i).label())) accuracy++;
                accuracy /= test.size();
                double f1 = macroF1(test, predicted);
                String recall = "—";
                if (questions == 0) {
                    recall = "not measured";
                } else if (mode != EncoderTuneOptions.Mode.FROZEN) {
                    try (EncoderTokenizer tok = BundledEncoder.tokenizer(passageTokens)) {
                        recall = String.format(Locale.ROOT, "%.3f → %.3f", recallBefore, squad.recallAt5(c.embedder(tok, 32)));
                    }
                } else {
                    recall = String.format(Locale.ROOT, "%.3f (unchanged)", recallBefore);
                }
                String row = String.format(Locale.ROOT, "| %s | %d | %d | %.4f | %.4f | %.0f s | %.0f s | %s |", mode, train.size(), epochs, accuracy, f1,
                        trainSeconds, evalSeconds, recall);
                System.out.println(row);
                rows.add(row);
            }
        }
        System.out.println();
        System.out.println("| mode | train rows | epochs | accuracy | macro-F1 | train time | test time (3,080) | SQuAD recall@5 before → after |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** Unweighted mean over the test set's labels of per-label F1. */
    static double macroF1(List<LabeledText> gold, List<Prediction> predicted) {
        Map<String, int[]> counts = new LinkedHashMap<>(); // label → {true positives, false positives, false negatives}
        for (LabeledText t : gold) counts.computeIfAbsent(t.label(), k -> new int[3]);
        for (int i = 0; i < gold.size(); i++) {
            String g = gold.get(i).label(), p = predicted.get(i).label();
            if (g.equals(p)) {
                counts.get(g)[0]++;
            } else {
                counts.get(g)[2]++;
                counts.computeIfAbsent(p, k -> new int[3])[1]++;
            }
        }
        double sum = 0;
        int labels = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            if (c[0] + c[2] == 0) continue; // a label predicted but absent from the test set
            double precision = c[0] + c[1] == 0 ? 0 : (double) c[0] / (c[0] + c[1]);
            double recall = (double) c[0] / (c[0] + c[2]);
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            labels++;
        }
        return sum / labels;
    }

    /** SQuAD dev paragraphs and a seeded sample of questions with the index of their paragraph. */
    record Squad(List<String> paragraphs, List<String> questions, int[] gold) {
        static Squad read(Path file, int sample, long seed) throws IOException {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            List<String> paragraphs = new ArrayList<>();
            List<String> questions = new ArrayList<>();
            List<Integer> gold = new ArrayList<>();
            for (JsonNode article : root.path("data")) {
                for (JsonNode p : article.path("paragraphs")) {
                    int index = paragraphs.size();
                    paragraphs.add(p.path("context").asText());
                    for (JsonNode q : p.path("qas")) {
                        questions.add(q.path("question").asText());
                        gold.add(index);
                    }
                }
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) order.add(i);
            Collections.shuffle(order, new Random(seed));
            List<Integer> picked = order.subList(0, Math.min(sample, order.size()));
            return new Squad(paragraphs, picked.stream().map(questions::get).toList(), picked.stream().mapToInt(gold::get).toArray());
        }

        /** Share of questions whose paragraph is among the 5 most similar by cosine. */
        double recallAt5(SentenceEmbedder embedder) {
            return recallAt5(embedder::embed);
        }

        /** The same, with any embedding function (one unit vector per text, in order). */
        double recallAt5(java.util.function.Function<List<String>, float[][]> embed) {
            float[][] p = embed.apply(paragraphs);
            float[][] q = embed.apply(questions);
            int hits = 0;
            for (int i = 0; i < q.length; i++) {
                double goldScore = dot(q[i], p[gold[i]]);
                int better = 0;
                for (int j = 0; j < p.length && better < 5; j++) if (j != gold[i] && dot(q[i], p[j]) > goldScore) better++;
                if (better < 5) hits++;
            }
            return (double) hits / q.length;
        }

        private static double dot(float[] a, float[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i] * b[i];
            return s;
        }
    }
}
