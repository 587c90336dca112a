package io.knowhow.tune;

import ai.djl.ndarray.NDManager;
import io.knowhow.tune.generate.Sampler;
import io.knowhow.tune.generate.VectorDecoder;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.KvCache;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java decoding path against the independent scalar reference: f32 exactly, Q8 within its rounding. */
class VectorDecoderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(VectorDecoder.Arithmetic.class)
    void f32StepsGiveTheReferenceLogitsAtEveryPosition(VectorDecoder.Arithmetic arithmetic) throws Exception {
        for (TestModels.Spec spec : specs()) {
            Path dir = tmp.resolve("m" + spec.seed() + spec.family());
            ModelConfig config = TestModels.write(dir, spec);
            int[] tokens = tokens(dir);
            double[][] expected = new ReferenceDecoder(config, TestModels.readWeights(dir)).logits(tokens);
            try (DecoderModel model = DecoderModel.load(dir)) {
                VectorDecoder decoder = VectorDecoder.of(model, VectorDecoder.Precision.F32, arithmetic);
                VectorDecoder.Cache cache = decoder.newCache(tokens.length);
                for (int i = 0; i < tokens.length; i++)
                    assertThat(maxDiff(decoder.step(cache, tokens[i]), expected[i])).as("%s position %d", spec.family(), i).isLessThan(1e-4);
                assertThat(cache.length()).isEqualTo(tokens.length);
                assertThatThrownBy(() -> decoder.step(cache, tokens[0])).hasMessageContaining("KV cache full");
            }
        }
    }

    @Test
    void mistralsSlidingWindowHidesPositionsBeyondItInEveryPath() throws Exception {
        Path dir = tmp.resolve("mistral");
        TestModels.Spec s = TestModels.Spec.llama();
        TestModels.write(dir, new TestModels.Spec(io.knowhow.tune.model.Family.MISTRAL, s.hidden(), s.intermediate(), s.layers(), s.heads(),
                s.kvHeads(), false, false, s.dtype(), 3, s.std()));
        int window = 4;
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("config.json").toFile());
        java.nio.file.Files.writeString(dir.resolve("config.json"), json.put("sliding_window", window).toString());
        ModelConfig config = ModelConfig.read(dir);
        assertThat(config.slidingWindow()).isEqualTo(window);
        int[] tokens = tokens(dir);
        assertThat(tokens.length).isGreaterThan(3 * window);
        double[][] expected = new ReferenceDecoder(config, TestModels.readWeights(dir)).logits(tokens);
        double[][] unwindowed = new ReferenceDecoder(withoutWindow(dir), TestModels.readWeights(dir)).logits(tokens);
        assertThat(maxDiff(toFloats(expected[tokens.length - 1]), unwindowed[tokens.length - 1])).as("the window changes late positions").isGreaterThan(1e-3);
        try (DecoderModel model = DecoderModel.load(dir); NDManager scope = model.manager().newSubManager();
             KvCache cache = new KvCache(config, 1, tokens.length, scope)) {
            float[] full = model.logits(model.forward(Torch.longs(scope, Arrays.stream(tokens).asLongStream().toArray(), 1, tokens.length),
                    null, null, false)).toFloatArray();
            int v = config.vocabSize();
            for (int i = 0; i < tokens.length; i++)
                assertThat(maxDiff(Arrays.copyOfRange(full, i * v, (i + 1) * v), expected[i])).as("libtorch, position %d", i).isLessThan(1e-4);
            for (int i = 0; i < tokens.length; i++) { // libtorch one token at a time through its cache
                float[] step = model.logits(model.forward(Torch.longs(scope, new long[] {tokens[i]}, 1, 1), cache, null, false)).toFloatArray();
                assertThat(maxDiff(step, expected[i])).as("libtorch cached, position %d", i).isLessThan(1e-4);
            }
            for (VectorDecoder.Arithmetic arithmetic : VectorDecoder.Arithmetic.values()) {
                VectorDecoder decoder = VectorDecoder.of(model, VectorDecoder.Precision.F32, arithmetic);
                VectorDecoder.Cache javaCache = decoder.newCache(tokens.length);
                for (int i = 0; i < tokens.length; i++)
                    assertThat(maxDiff(decoder.step(javaCache, tokens[i]), expected[i])).as("Java %s, position %d", arithmetic, i).isLessThan(1e-4);
            }
        }
    }

    private static ModelConfig withoutWindow(Path dir) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("config.json").toFile());
        Path other = dir.resolveSibling("mistral-no-window");
        java.nio.file.Files.createDirectories(other);
        java.nio.file.Files.writeString(other.resolve("config.json"), json.putNull("sliding_window").toString());
        return ModelConfig.read(other);
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @ParameterizedTest
    @EnumSource(VectorDecoder.Arithmetic.class)
    void decodingGoesOnFromALibtorchPrefill(VectorDecoder.Arithmetic arithmetic) throws Exception {
        Path dir = tmp.resolve("model");
        ModelConfig config = TestModels.write(dir, TestModels.Spec.qwen2());
        int[] tokens = tokens(dir);
        int prefix = 9;
        double[][] expected = new ReferenceDecoder(config, TestModels.readWeights(dir)).logits(tokens);
        try (DecoderModel model = DecoderModel.load(dir); NDManager scope = model.manager().newSubManager();
             KvCache torchCache = new KvCache(config, 1, tokens.length, scope)) {
            long[] ids = Arrays.stream(Arrays.copyOf(tokens, prefix)).asLongStream().toArray();
            model.forward(Torch.longs(scope, ids, 1, prefix), torchCache, null, false);
            VectorDecoder decoder = VectorDecoder.of(model, VectorDecoder.Precision.F32, arithmetic);
            VectorDecoder.Cache cache = decoder.newCache(tokens.length);
            float[][] keys = new float[config.layers()][], values = new float[config.layers()][];
            for (int l = 0; l < config.layers(); l++) {
                keys[l] = torchCache.copy(l, true);
                values[l] = torchCache.copy(l, false);
            }
            decoder.load(cache, keys, values, prefix);
            for (int i = prefix; i < tokens.length; i++)
                assertThat(maxDiff(decoder.step(cache, tokens[i]), expected[i])).as("position %d", i).isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @EnumSource(VectorDecoder.Arithmetic.class)
    void q8StaysWithinItsRoundingAndPicksTheSameTokens(VectorDecoder.Arithmetic arithmetic) throws Exception {
        Path dir = tmp.resolve("model");
        ModelConfig config = TestModels.write(dir, TestModels.Spec.llama());
        int[] tokens = tokens(dir);
        double[][] expected = new ReferenceDecoder(config, TestModels.readWeights(dir)).logits(tokens);
        try (DecoderModel model = DecoderModel.load(dir)) {
            VectorDecoder q8 = VectorDecoder.of(model, VectorDecoder.Precision.Q8, arithmetic);
            VectorDecoder f32 = VectorDecoder.of(model, VectorDecoder.Precision.F32, arithmetic);
            assertThat(q8.weightBytes()).isLessThan(f32.weightBytes() / 3);
            VectorDecoder.Cache cache = q8.newCache(tokens.length);
            int agree = 0;
            for (int i = 0; i < tokens.length; i++) {
                float[] logits = q8.step(cache, tokens[i]);
                double spread = Arrays.stream(expected[i]).max().orElseThrow() - Arrays.stream(expected[i]).min().orElseThrow();
                assertThat(maxDiff(logits, expected[i])).as("position %d", i).isLessThan(0.03 * spread).isGreaterThan(0);
                if (argmax(logits) == argmax(expected[i])) agree++;
            }
            assertThat(agree).isGreaterThanOrEqualTo(tokens.length - 1);
        }
    }

    @Test
    void theScalarAndTheVectorPathCheckEachOther() throws Exception {
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.qwen2());
        int[] tokens = tokens(dir);
        try (DecoderModel model = DecoderModel.load(dir)) {
            for (VectorDecoder.Precision precision : VectorDecoder.Precision.values()) {
                VectorDecoder vector = VectorDecoder.of(model, precision, VectorDecoder.Arithmetic.VECTOR);
                VectorDecoder scalar = VectorDecoder.of(model, precision, VectorDecoder.Arithmetic.SCALAR);
                VectorDecoder.Cache vectorCache = vector.newCache(tokens.length), scalarCache = scalar.newCache(tokens.length);
                for (int i = 0; i < tokens.length; i++) {
                    float[] v = vector.step(vectorCache, tokens[i]).clone();
                    float[] s = scalar.step(scalarCache, tokens[i]);
                    // Only the order of additions differs between the two.
                    assertThat(maxDiff(v, toDoubles(s))).as("%s position %d", precision, i).isLessThan(1e-4);
                }
            }
        }
    }

    @Test
    void theSystemPropertySelectsTheScalarPath() throws Exception {
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        try (DecoderModel model = DecoderModel.load(dir)) {
            assertThat(VectorDecoder.of(model, VectorDecoder.Precision.F32).arithmetic())
                    .isEqualTo(Boolean.getBoolean(VectorDecoder.SCALAR_PROPERTY) ? VectorDecoder.Arithmetic.SCALAR : VectorDecoder.Arithmetic.VECTOR);
            String before = System.getProperty(VectorDecoder.SCALAR_PROPERTY);
            System.setProperty(VectorDecoder.SCALAR_PROPERTY, "true");
            try {
                assertThat(VectorDecoder.of(model, VectorDecoder.Precision.F32).arithmetic()).isEqualTo(VectorDecoder.Arithmetic.SCALAR);
            } finally {
                if (before == null) System.clearProperty(VectorDecoder.SCALAR_PROPERTY);
                else System.setProperty(VectorDecoder.SCALAR_PROPERTY, before);
            }
        }
    }

    /**
     * A step writes only into buffers the cache allocated once. Measured on the scalar path, which runs on
     * the calling thread alone (the vector path's helpers would allocate on pool threads, out of sight of
     * this thread's counter; it shares every buffer with the scalar path, so the check covers it).
     */
    @Test
    void aStepAllocatesNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.qwen2());
        try (DecoderModel model = DecoderModel.load(dir)) {
            for (VectorDecoder.Precision precision : VectorDecoder.Precision.values()) {
                VectorDecoder decoder = VectorDecoder.of(model, precision, VectorDecoder.Arithmetic.SCALAR);
                VectorDecoder.Cache cache = decoder.newCache(256); // the test model's context: warm-up and three rounds fit
                int token = 1;
                for (int i = 0; i < 40; i++) token = Sampler.argmax(decoder.step(cache, token)); // warm up
                long thread = Thread.currentThread().threadId();
                // The least of three rounds: a one-off allocation on this thread (the JVM's own, once seen in CI at
                // 1,128 bytes) is not a step's; an allocation every step shows in every round.
                long allocated = Long.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    long before = threads.getThreadAllocatedBytes(thread);
                    for (int i = 0; i < 70; i++) token = Sampler.argmax(decoder.step(cache, token));
                    allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
                }
                // Before the state was preallocated, a step allocated its logits alone: 4 bytes a vocabulary entry.
                assertThat(allocated).as("%s: bytes allocated by 70 steps", precision).isLessThan(1024);
            }
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static TestModels.Spec[] specs() {
        TestModels.Spec s = TestModels.Spec.llama().size(32, 48, 3, 4, 1);
        return new TestModels.Spec[] {TestModels.Spec.llama(), TestModels.Spec.qwen2(),
                new TestModels.Spec(s.family(), s.hidden(), s.intermediate(), s.layers(), s.heads(), s.kvHeads(), false, true, s.dtype(), 5, s.std())};
    }

    private static int[] tokens(Path dir) {
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            return tok.encode(DecoderForwardTest.TEXT);
        }
    }

    private static double maxDiff(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        double d = 0;
        for (int i = 0; i < actual.length; i++) d = Math.max(d, Math.abs(actual[i] - expected[i]));
        return d;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
