package io.knowhow.bench.tune;

import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneProgress;
import io.knowhow.tuneencoder.extract.ExtractResult;
import io.knowhow.tuneencoder.extract.Extractor;
import io.knowhow.tuneencoder.extract.ExtractorTrainer;
import io.knowhow.tuneencoder.extract.SlotData;
import io.knowhow.tuneencoder.extract.SlotExample;
import io.knowhow.tuneencoder.extract.SlotScores;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures slot extraction on Restaurant-8k: trains on a seeded sample of train_0.json (the full 8,198-entry
 * training file) and prints span F1 per slot on all 3,731 test.json entries, with wall times, as a markdown table.
 *
 * <pre>
 * bench/run tune.ExtractBench [--data DIR] [--train-rows 2000] [--modes FROZEN,LORA]
 *      [--epochs-frozen 10] [--epochs-lora 2] [--epochs-full 2] [--seed 42] [--out DIR]
 * </pre>
 * {@code --data} is the folder holding restaurant8k/ (default: system property knowhow.shared.data, else
 * ../shared/data); {@code --train-rows 0} trains on all of train_0.json.
 */
public final class ExtractBench {
    private ExtractBench() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        Path data = Path.of(a.getOrDefault("data", System.getProperty("knowhow.shared.data", "../shared/data"))).resolve("restaurant8k");
        int trainRows = Integer.parseInt(a.getOrDefault("train-rows", "2000"));
        List<EncoderTuneOptions.Mode> modes = java.util.Arrays.stream(a.getOrDefault("modes", "FROZEN,LORA").split(","))
                .map(s -> EncoderTuneOptions.Mode.valueOf(s.strip().toUpperCase(Locale.ROOT))).toList();
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        Path out = Path.of(a.getOrDefault("out", Files.createTempDirectory("extract-bench").toString()));

        List<SlotExample> train = SlotData.read(data.resolve("train_0.json"));
        List<SlotExample> test = SlotData.read(data.resolve("test.json"));
        if (trainRows > 0 && trainRows < train.size()) {
            List<SlotExample> shuffled = new ArrayList<>(train);
            Collections.shuffle(shuffled, new Random(seed));
            train = shuffled.subList(0, trainRows);
        }
        List<String> slots = ExtractorTrainer.RESTAURANT_SLOTS;
        System.out.printf(Locale.ROOT, "Restaurant-8k: %d training entries (seed %d, of train_0.json), %d test entries; %d processors; out %s%n",
                train.size(), seed, test.size(), Runtime.getRuntime().availableProcessors(), out);
        Map<String, OnnxGraph.Tensor> base = BundledEncoder.tensors();
        List<String> texts = test.stream().map(SlotExample::text).toList();

        StringBuilder table = new StringBuilder("| mode | train rows | epochs | " + String.join(" | ", slots) + " | micro-F1 | train time | test time |\n");
        table.append("|---|---|---|").append("---|".repeat(slots.size())).append("---|---|---|\n");
        for (EncoderTuneOptions.Mode mode : modes) {
            int epochs = Integer.parseInt(a.getOrDefault("epochs-" + mode.name().toLowerCase(Locale.ROOT), mode == EncoderTuneOptions.Mode.FROZEN ? "10" : "2"));
            EncoderTuneOptions o = EncoderTuneOptions.defaults(mode, out.resolve(mode.name().toLowerCase(Locale.ROOT))).withEpochs(epochs);
            long t0 = System.nanoTime();
            ExtractResult r = ExtractorTrainer.train(base, train, slots, o, false, progress(mode), () -> false);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            try (Extractor x = r.extractor().orElseThrow()) {
                long t1 = System.nanoTime();
                List<Map<String, String>> predicted = x.extractAll(texts);
                double testSeconds = (System.nanoTime() - t1) / 1e9;
                SlotScores scores = new SlotScores(slots);
                for (int i = 0; i < test.size(); i++) scores.add(predicted.get(i), SlotScores.gold(test.get(i)));
                table.append(String.format(Locale.ROOT, "| %s | %d | %d | ", mode, train.size(), epochs));
                for (String s : slots) table.append(String.format(Locale.ROOT, "%.3f | ", scores.f1(s)));
                table.append(String.format(Locale.ROOT, "%.3f | %.0f s | %.0f s |%n", scores.microF1(), trainSeconds, testSeconds));
                System.out.printf(Locale.ROOT, "%s done: micro-F1 %.4f, final loss %.4f%n", mode, scores.microF1(), r.finalLoss());
            }
        }
        System.out.println();
        System.out.print(table);
    }

    private static TuneListener progress(EncoderTuneOptions.Mode mode) {
        return new TuneListener() {
            @Override
            public void onStep(TuneProgress p) {
                if (p.step() % 50 == 0 || p.step() == p.totalSteps())
                    System.out.printf(Locale.ROOT, "%s step %d/%d loss %.4f%n", mode, p.step(), p.totalSteps(), p.loss());
            }
        };
    }
}
