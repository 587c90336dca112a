package io.knowhow.bench.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.knowhow.tune.generate.VectorDecoder;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.Family;
import io.knowhow.tune.model.KvCache;
import io.knowhow.tune.model.LoraConfig;
import io.knowhow.tune.model.LoraWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.model.TrainingBatch;
import io.knowhow.tune.train.AdamW;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures LoRA and full fine-tuning throughput, KV-cached decoding speed and peak memory on a model of
 * SmolLM2-135M's shape (hidden 576, 30 layers, 9 heads, 3 kv heads, MLP 1536, vocabulary 49152, tied
 * embeddings) with random weights, and prints a table.
 *
 * <p>Also measures what the machine can do at best, a large f32 matmul in libtorch, and reports each
 * phase's achieved FLOP/s against it. Training FLOPs are counted the usual way: 2 per parameter per
 * token forward, 2 more for activation gradients, and for full fine-tuning 2 more for weight gradients
 * (6N in all); LoRA skips the frozen weights' gradients (≈4N). Attention's T² terms are included.
 *
 * <pre>
 * usage: bench/run tune.TuneBench [--seq 256] [--steps 6] [--prompt 64] [--decode 64] [--rounds 5] [--threads N] [--skip-full] [--skip-training]
 * </pre>
 */
public final class TuneBench {
    private TuneBench() {}

    public static void main(String[] args) throws IOException {
        int seq = 256, steps = 6, prompt = 64, decode = 64, rounds = 5, threads = 0;
        boolean skipFull = false, skipTraining = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seq" -> seq = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--prompt" -> prompt = Integer.parseInt(args[++i]);
                case "--decode" -> decode = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--skip-full" -> skipFull = true;
                case "--skip-training" -> skipTraining = true;
                default -> {
                    System.err.println("usage: TuneBench [--seq 256] [--steps 6] [--prompt 64] [--decode 64] [--rounds 5] [--threads N] [--skip-full] [--skip-training]");
                    System.exit(2);
                }
            }
        }
        if (rounds < 1 || decode < 1 || steps < 1) {
            System.err.println("TuneBench: --rounds, --decode and --steps must be at least 1, got " + rounds + ", " + decode + " and " + steps);
            System.exit(2);
        }
        Torch.engine();
        if (threads > 0) JniUtils.setNumThreads(threads);
        Torch.gradMode(false);
        ModelConfig config = ModelConfig.of(Family.LLAMA, 49152, 576, 1536, 30, 9, 3, 8192, true);
        System.out.printf("model: SmolLM2-135M shape, %,d parameters, random weights; seq %d; libtorch threads %d; cores %d%n",
                config.parameterCount(), seq, JniUtils.getNumThreads(), Runtime.getRuntime().availableProcessors());

        double peak = matmulFlops(4);
        System.out.printf("machine: f32 matmul 2048x2048x2048 in libtorch: %.1f GFLOP/s (the practical ceiling below)%n", peak / 1e9);

        try (DecoderModel model = DecoderModel.random(config, 42)) {
            TrainingBatch batch = randomBatch(seq, config.vocabSize());
            double n = config.parameterCount();
            double attn = 2.0 * config.layers() * seq * config.heads() * config.headDim(); // per token: q·k and p·v, causal half counted as whole

            if (!skipTraining) {
                LoraConfig lc = new LoraConfig(8, 16, 0.0, LoraConfig.DEFAULT_TARGETS, false, "bench");
                LoraWeights adapter = LoraWeights.init(config, lc, model.manager(), 1);
                double[][] lora = train(model, adapter, adapter.named(), batch, steps);
                reportTraining("LoRA r=8 q,k,v,o training", lora, 4 * n + 3 * attn);
            }

            if (!skipFull && !skipTraining) {
                reportTraining("full fine-tuning", train(model, null, model.weights().named(), batch, steps), 6 * n + 3 * attn);
                model.weights().named().values().forEach(a -> a.setRequiresGradient(false));
            }

            double[] gen = generate(model, prompt, decode, config.vocabSize());
            report("prefill (" + prompt + " tokens)", gen[0], 2 * n * gen[0], peak);
            report("decode with KV cache (libtorch)", gen[1], 2 * n * gen[1], peak);
            for (VectorDecoder.Precision p : VectorDecoder.Precision.values()) {
                VectorDecoder decoder = VectorDecoder.of(model, p);
                // Measured again beside each decoder: on a shared machine the memory's speed moves by a third within minutes.
                double bandwidth = readBandwidth();
                double[] tps = vectorDecode(decoder, prompt, decode, rounds, config.vocabSize());
                double bytesPerSecond = decoder.weightBytes() * tps[0];
                report("decode, VectorDecoder " + p + " (" + decoder.weightBytes() / (1 << 20) + " MB)", tps[0], 2 * n * tps[0], peak);
                System.out.printf("%-34s %9s median of %d rounds (%.1f–%.1f); weights read %.1f GB/s; memory read just before: %.1f GB/s%n", "",
                        "", rounds, tps[1], tps[2], bytesPerSecond / 1e9, bandwidth / 1e9);
            }
        }
        System.out.printf("peak RSS (VmHWM): %s%n", peakRss());
    }

    private static void report(String phase, double tokensPerSecond, double flops, double peak) {
        System.out.printf("%-34s %9.1f tokens/s   %7.1f GFLOP/s   %5.1f%% of matmul peak%n", phase, tokensPerSecond, flops / 1e9,
                100 * flops / peak);
    }

    /**
     * Median tokens/s of the timed steps, and the median of each step's FLOP/s over the matmul ceiling measured
     * just before that step: on a shared box the ceiling itself moves by a third within minutes, so a share
     * against one measurement at start-up said more about that minute than about the training.
     */
    private static void reportTraining(String phase, double[][] stepsAndCeilings, double flopsPerToken) {
        double[] tps = stepsAndCeilings[0], ceilings = stepsAndCeilings[1];
        double[] shares = new double[tps.length];
        for (int i = 0; i < tps.length; i++) shares[i] = flopsPerToken * tps[i] / ceilings[i];
        double[] t = medianMinMax(tps), share = medianMinMax(shares), ceiling = medianMinMax(ceilings);
        System.out.printf("%-34s %9.1f tokens/s   %7.1f GFLOP/s   %5.1f%% of matmul peak%n", phase, t[0], flopsPerToken * t[0] / 1e9,
                100 * share[0]);
        System.out.printf("%-34s %9s median of %d steps (%.1f–%.1f tokens/s); share %.1f–%.1f%% of the ceiling measured before each"
                + " step (%.1f–%.1f GFLOP/s)%n", "", "", tps.length, t[1], t[2], 100 * share[1], 100 * share[2], ceiling[1] / 1e9,
                ceiling[2] / 1e9);
    }

    private static double[] medianMinMax(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]};
    }

    private static TrainingBatch randomBatch(int seq, int vocab) {
        SplittableRandom r = new SplittableRandom(7);
        int[] tokens = new int[seq];
        boolean[] targets = new boolean[seq];
        for (int i = 0; i < seq; i++) {
            tokens[i] = r.nextInt(vocab);
            targets[i] = i >= seq / 2; // prompt then answer: loss on the second half, as on instruction data
        }
        return new TrainingBatch(new int[][] {tokens}, new boolean[][] {targets});
    }

    /**
     * {tokens/s of each step of forward + backward + AdamW, the matmul ceiling measured just before it}, after one
     * untimed warm-up step.
     */
    private static double[][] train(DecoderModel model, LoraWeights lora, Map<String, NDArray> trainable, TrainingBatch batch, int steps) {
        trainable.values().forEach(a -> a.setRequiresGradient(true));
        AdamW adam = AdamW.standard(trainable, model.manager(), 0);
        double[] tps = new double[steps], ceilings = new double[steps];
        for (int s = -1; s < steps; s++) {
            if (s >= 0) ceilings[s] = matmulFlops(2);
            long start = System.nanoTime();
            try (NDManager scope = model.manager().newSubManager()) {
                try (GradientCollector c = Torch.engine().newGradientCollector()) {
                    c.backward(model.loss(batch, lora, true, scope).mean());
                }
            }
            adam.step(1e-4, 1.0);
            if (s >= 0) tps[s] = batch.tokenCount() / ((System.nanoTime() - start) / 1e9);
        }
        return new double[][] {tps, ceilings};
    }

    /** {prefill tokens/s, decode tokens/s} for a random prompt, greedy, through the KV cache. */
    private static double[] generate(DecoderModel model, int prompt, int decode, int vocab) {
        long[] ids = new SplittableRandom(3).longs(prompt, 0, vocab).toArray();
        try (NDManager scope = model.manager().newSubManager(); KvCache cache = new KvCache(model.config(), 1, prompt + decode + 1, scope)) {
            long t0 = System.nanoTime();
            long next = argmaxLast(model, scope, cache, ids);
            double prefill = prompt / ((System.nanoTime() - t0) / 1e9);
            long t1 = System.nanoTime();
            for (int i = 0; i < decode; i++) next = argmaxLast(model, scope, cache, new long[] {next});
            return new double[] {prefill, decode / ((System.nanoTime() - t1) / 1e9)};
        }
    }

    /**
     * Decode tokens/s of the Java decoder, {median, min, max} over {@code rounds} generations of {@code decode}
     * tokens, each after the same {@code prompt}-token context (stepped in, not timed); one untimed generation
     * first, so that the JIT has compiled the step (a single short round read 15–30% low).
     */
    private static double[] vectorDecode(VectorDecoder decoder, int prompt, int decode, int rounds, int vocab) {
        int[] ids = new SplittableRandom(3).ints(prompt, 0, vocab).toArray();
        double[] tps = new double[rounds];
        for (int round = -1; round < rounds; round++) {
            VectorDecoder.Cache cache = decoder.newCache(prompt + decode + 1);
            float[] logits = null;
            for (int id : ids) logits = decoder.step(cache, id);
            long t = System.nanoTime();
            for (int i = 0; i < decode; i++) logits = decoder.step(cache, argmax(logits));
            if (round >= 0) tps[round] = decode / ((System.nanoTime() - t) / 1e9);
        }
        return medianMinMax(tps);
    }

    /**
     * Bytes per second that all cores together read from memory: a 1 GiB long[] (far beyond the caches) summed in
     * contiguous slices, one thread a slice, best of five passes — a plain loop, so a lower bound on what a tuned
     * reader gets (decoding has read faster than it). The loop is one C2 vectorises, so it is the
     * memory, not the adds, that is timed.
     */
    private static double readBandwidth() {
        int threads = Runtime.getRuntime().availableProcessors();
        long[] data = new long[1 << 27];
        java.util.Arrays.parallelSetAll(data, i -> i);
        double best = 0;
        long[] sums = new long[threads * 8];
        for (int pass = 0; pass < 5; pass++) {
            Thread[] workers = new Thread[threads];
            long t = System.nanoTime();
            for (int w = 0; w < threads; w++) {
                int from = (int) ((long) data.length * w / threads), to = (int) ((long) data.length * (w + 1) / threads), slot = w * 8;
                workers[w] = Thread.ofPlatform().start(() -> {
                    long sum = 0;
                    for (int i = from; i < to; i++) sum += data[i];
                    sums[slot] = sum;
                });
            }
            for (Thread worker : workers) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return best;
                }
            }
            best = Math.max(best, 8.0 * data.length / ((System.nanoTime() - t) / 1e9));
        }
        if (sums[0] == 42) System.out.print(""); // keeps the sums alive
        return best;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static long argmaxLast(DecoderModel model, NDManager parent, KvCache cache, long[] ids) {
        try (NDManager step = parent.newSubManager()) {
            NDArray hidden = model.forward(Torch.longs(step, ids, 1, ids.length), cache, null, false);
            return model.logits(hidden.get(new NDIndex("0, {}", ids.length - 1))).argMax().getLong();
        }
    }

    /** Best of {@code tries} 2048³ f32 matmuls, in FLOP/s. */
    private static double matmulFlops(int tries) {
        try (NDManager m = Torch.newManager()) {
            NDArray a = m.randomNormal(0, 1, new Shape(2048, 2048), DataType.FLOAT32);
            NDArray b = m.randomNormal(0, 1, new Shape(2048, 2048), DataType.FLOAT32);
            double best = 0;
            for (int i = 0; i < tries; i++) {
                long t = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                best = Math.max(best, 2.0 * 2048 * 2048 * 2048 / ((System.nanoTime() - t) / 1e9));
            }
            return best;
        }
    }

    private static String peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) return line.substring(6).strip();
        return "unknown (no /proc/self/status)";
    }
}
