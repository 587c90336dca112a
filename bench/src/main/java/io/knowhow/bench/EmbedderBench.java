package io.knowhow.bench;

import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.embed.onnx.OnnxModelOptions;
import io.knowhow.embed.onnx.OnnxRuntimeOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Measures each embedding model for speed and retrieval quality on SQuAD v1.1 dev, and prints a table;
 * the numbers decide the default model.
 *
 * <p>Per model and runtime configuration:
 * <ul>
 *   <li><b>para/s</b>: the 2,067 SQuAD paragraphs (~150 tokens each) through {@code embedAll}, per
 *       second of wall-clock time and per second of this process's CPU time (<b>para/cpu-s</b>);
 *   <li><b>short/s</b>: the questions (~13 tokens) through {@code embedAll}, as short sentences, per
 *       wall-clock and per CPU second;
 *   <li><b>p50 / p99 ms</b>: {@code embedQuery} one question at a time (with the query prefix);
 *   <li><b>R@1, R@5, R@10, MRR</b>: each question's embedQuery vector against all paragraph vectors by
 *       brute-force cosine; its gold is the paragraph it was asked on. MRR uses the full rank.
 * </ul>
 * The first 64 paragraphs are embedded once before timing (JIT, ONNX Runtime allocations).
 *
 * <p>On a shared machine other processes steal cores, so wall-clock rates fall with the load (the
 * <b>load</b> column is the 1-minute load average when the row finished). Rates per CPU second are
 * much less sensitive to that and compare models and thread layouts fairly; on an idle machine the
 * wall-clock rate approaches them times the cores kept busy. {@code --repeat N} runs the throughput
 * passes N times and reports the best of each.
 *
 * <p>Usage: {@code EmbedderBench [squad.json] [--questions N] [--repeat N] [--models A,B]
 * [--runtimes 32x2x1,1x1x2] [--dir NAME=PATH=LIKE[=MAXLEN] ...]}. {@code --runtimes} lists batch x
 * intraOpThreads x parallelBatches (default: {@link OnnxRuntimeOptions#defaults()}); {@code --dir} adds
 * a model directory (model.onnx + tokenizer.json) used with the pooling, prefix and sequence length of
 * bundled model LIKE, or MAXLEN; {@code --questions} takes a seeded random sample of the questions
 * (default all 10,570).
 */
public final class EmbedderBench {
    private static final String DEFAULT_SQUAD = "../shared/data/squad-v1.1-dev/dev-v1.1.json";
    private static final int WARMUP = 64;
    private static final long SAMPLE_SEED = 20240611L;

    private EmbedderBench() {}

    /** One model to measure: how to build it under given runtime options. */
    private record Candidate(String label, Function<OnnxRuntimeOptions, OnnxEmbedder> factory) {}

    /** Texts to embed and, per question, the index of the paragraph it was asked on. */
    private record Workload(List<String> paragraphs, List<String> questions, int[] gold) {}

    public static void main(String[] args) throws IOException {
        Path squadFile = Path.of(DEFAULT_SQUAD);
        int questionLimit = Integer.MAX_VALUE;
        int repeat = 1;
        List<String> modelNames = Arrays.stream(BundledModel.values()).map(Enum::name).toList();
        List<OnnxRuntimeOptions> runtimes = List.of(OnnxRuntimeOptions.defaults());
        List<Candidate> candidates = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--questions" -> questionLimit = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--models" -> modelNames = List.of(args[++i].split(","));
                case "--runtimes" -> runtimes = Arrays.stream(args[++i].split(",")).map(EmbedderBench::runtime).toList();
                case "--dir" -> dirs.add(args[++i]);
                default -> {
                    if (args[i].startsWith("--")) throw new IllegalArgumentException("unknown option " + args[i]);
                    squadFile = Path.of(args[i]);
                }
            }
        }
        for (String name : modelNames) {
            if (name.isBlank()) continue;
            BundledModel model = BundledModel.valueOf(name.trim());
            candidates.add(new Candidate(model.options().name(), runtime -> OnnxEmbedder.bundled(model, runtime)));
        }
        for (String spec : dirs) {
            String[] parts = spec.split("=");
            if (parts.length < 3 || parts.length > 4) {
                throw new IllegalArgumentException("--dir wants NAME=PATH=LIKE[=MAXLEN], got " + spec);
            }
            OnnxModelOptions like = BundledModel.valueOf(parts[2]).options().withName(parts[0]);
            OnnxModelOptions options = parts.length == 4 ? like.withMaxSequenceLength(Integer.parseInt(parts[3])) : like;
            Path dir = Path.of(parts[1]);
            candidates.add(new Candidate(parts[0], runtime -> OnnxEmbedder.fromDirectory(dir, options, runtime)));
        }

        if (!Files.isRegularFile(squadFile)) {
            throw new IllegalArgumentException("SQuAD file not found: " + squadFile.toAbsolutePath()
                    + " (pass the path to dev-v1.1.json as the first argument)");
        }
        Squad data = Squad.load(squadFile);
        List<Squad.Question> asked = sample(data.questions(), questionLimit);
        Workload squad = new Workload(
                data.paragraphs().stream().map(Squad.Paragraph::context).toList(),
                asked.stream().map(Squad.Question::text).toList(),
                asked.stream().mapToInt(Squad.Question::paragraph).toArray());
        System.out.printf(Locale.ROOT, "SQuAD v1.1 dev (%s): %,d paragraphs, %,d of %,d questions%s%n", squadFile,
                squad.paragraphs().size(), asked.size(), data.questions().size(),
                asked.size() < data.questions().size() ? " (seeded sample)" : "");
        System.out.printf(Locale.ROOT, "machine: %d available processors, %s %s, Java %s; runtimes = batch x intraOp x parallel%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.version());
        String header = String.format(Locale.ROOT, "%-32s %-7s %5s %7s %8s %8s %9s %7s %7s %6s %6s %6s %6s %5s",
                "model (content tokens)", "runtime", "init", "para/s", "para/cpu", "short/s", "short/cpu",
                "p50 ms", "p99 ms", "R@1", "R@5", "R@10", "MRR", "load");
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        for (Candidate candidate : candidates) {
            for (OnnxRuntimeOptions runtime : runtimes) {
                System.out.println(measure(candidate, runtime, squad, repeat));
            }
        }
    }

    private static String measure(Candidate candidate, OnnxRuntimeOptions runtime, Workload squad, int repeat) {
        long start = System.nanoTime();
        try (OnnxEmbedder embedder = candidate.factory().apply(runtime)) {
            double loadSeconds = seconds(start);
            embedder.embedAll(squad.paragraphs().subList(0, WARMUP));

            List<float[]> paragraphs = null;
            double paragraphsPerSecond = 0, paragraphsPerCpuSecond = 0;
            double shortPerSecond = 0, shortPerCpuSecond = 0;
            for (int r = 0; r < repeat; r++) {
                start = System.nanoTime();
                long cpu = processCpuNanos();
                paragraphs = embedder.embedAll(squad.paragraphs());
                paragraphsPerCpuSecond = Math.max(paragraphsPerCpuSecond, squad.paragraphs().size() / cpuSeconds(cpu));
                paragraphsPerSecond = Math.max(paragraphsPerSecond, squad.paragraphs().size() / seconds(start));

                start = System.nanoTime();
                cpu = processCpuNanos();
                embedder.embedAll(squad.questions());
                shortPerCpuSecond = Math.max(shortPerCpuSecond, squad.questions().size() / cpuSeconds(cpu));
                shortPerSecond = Math.max(shortPerSecond, squad.questions().size() / seconds(start));
            }

            List<float[]> queries = new ArrayList<>(squad.questions().size());
            long[] nanos = new long[squad.questions().size()];
            for (int i = 0; i < nanos.length; i++) {
                long t = System.nanoTime();
                queries.add(embedder.embedQuery(squad.questions().get(i)));
                nanos[i] = System.nanoTime() - t;
            }
            Arrays.sort(nanos);
            double[] quality = retrievalQuality(queries, paragraphs, squad.gold());
            return String.format(Locale.ROOT, "%-32s %-7s %5.1f %7.1f %8.1f %8.0f %9.0f %7.2f %7.2f %6.3f %6.3f %6.3f %6.3f %5.1f",
                    candidate.label() + " (" + embedder.info().maxTokens() + ")",
                    runtime.batchSize() + "x" + runtime.intraOpThreads() + "x" + runtime.parallelBatches(),
                    loadSeconds, paragraphsPerSecond, paragraphsPerCpuSecond, shortPerSecond, shortPerCpuSecond,
                    percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6,
                    quality[0], quality[1], quality[2], quality[3],
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Recall@1, @5, @10 and MRR of the gold paragraphs by brute-force dot product (vectors are unit length). */
    static double[] retrievalQuality(List<float[]> queries, List<float[]> paragraphs, int[] gold) {
        int[] ranks = IntStream.range(0, queries.size()).parallel().map(q -> {
            float[] query = queries.get(q);
            double goldScore = dot(query, paragraphs.get(gold[q]));
            int rank = 1;
            for (int p = 0; p < paragraphs.size(); p++) {
                if (p != gold[q] && dot(query, paragraphs.get(p)) > goldScore) rank++;
            }
            return rank;
        }).toArray();
        double r1 = 0, r5 = 0, r10 = 0, mrr = 0;
        for (int rank : ranks) {
            if (rank <= 1) r1++;
            if (rank <= 5) r5++;
            if (rank <= 10) r10++;
            mrr += 1.0 / rank;
        }
        int n = ranks.length;
        return new double[] {r1 / n, r5 / n, r10 / n, mrr / n};
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** CPU time of every thread of this process, ONNX Runtime's native threads included. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double cpuSeconds(long startCpuNanos) {
        return (processCpuNanos() - startCpuNanos) / 1e9;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Parses "32x2x1" as batch size x intra-op threads x parallel batches. */
    private static OnnxRuntimeOptions runtime(String spec) {
        String[] parts = spec.trim().split("x");
        if (parts.length != 3) throw new IllegalArgumentException("runtime wants BATCHxINTRAxPARALLEL, got " + spec);
        return new OnnxRuntimeOptions(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    /** The questions to ask, with their gold paragraphs: all, or a seeded random sample of {@code limit}. */
    private static List<Squad.Question> sample(List<Squad.Question> questions, int limit) {
        if (limit >= questions.size()) return questions;
        List<Squad.Question> shuffled = new ArrayList<>(questions);
        Collections.shuffle(shuffled, new Random(SAMPLE_SEED));
        return List.copyOf(shuffled.subList(0, limit));
    }
}
