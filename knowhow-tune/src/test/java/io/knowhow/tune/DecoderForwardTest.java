package io.knowhow.tune;

import ai.djl.ndarray.NDManager;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.KvCache;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The NDArray forward pass against the scalar reference, with and without the KV cache and padding. */
class DecoderForwardTest {
    @TempDir
    Path tmp;

    static final String TEXT = "<|im_start|>user\nWhere is my parcel?<|im_end|>\n<|im_start|>assistant\n{\"intent\":\"shipping\"}";

    @Test
    void llamaWithTiedEmbeddingsAndGroupedQueryAttentionMatchesTheReference() throws Exception {
        assertMatchesReference(TestModels.Spec.llama());
    }

    @Test
    void qwen2WithBiasesAndUntiedHeadMatchesTheReference() throws Exception {
        assertMatchesReference(TestModels.Spec.qwen2());
    }

    @Test
    void llamaWithAttentionBiasAndOneKvHeadMatchesTheReference() throws Exception {
        TestModels.Spec s = TestModels.Spec.llama().size(32, 48, 3, 4, 1);
        assertMatchesReference(new TestModels.Spec(s.family(), s.hidden(), s.intermediate(), s.layers(), s.heads(), s.kvHeads(), false, true,
                s.dtype(), 5, s.std()));
    }

    private void assertMatchesReference(TestModels.Spec spec) throws Exception {
        Path dir = tmp.resolve("model");
        ModelConfig config = TestModels.write(dir, spec);
        int[] tokens;
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            tokens = tok.encode(TEXT);
        }
        double[][] expected = new ReferenceDecoder(config, TestModels.readWeights(dir)).logits(tokens);
        try (DecoderModel model = DecoderModel.load(dir); NDManager scope = model.manager().newSubManager()) {
            float[] actual = model.logits(model.forward(Torch.longs(scope, longs(tokens), 1, tokens.length), null, null, false)).toFloatArray();
            assertThat(actual).hasSize(tokens.length * config.vocabSize());
            double maxDiff = 0;
            for (int i = 0; i < tokens.length; i++)
                for (int v = 0; v < config.vocabSize(); v++)
                    maxDiff = Math.max(maxDiff, Math.abs(actual[i * config.vocabSize() + v] - expected[i][v]));
            assertThat(maxDiff).as("max |logit difference|").isLessThan(1e-4);
            // The comparison means something only if logits differ between tokens and positions.
            assertThat(Math.abs(expected[0][0] - expected[tokens.length - 1][0]) + Math.abs(expected[0][0] - expected[0][1])).isGreaterThan(1e-2);
        }
    }

    @Test
    void decodingWithTheKvCacheGivesTheLogitsOfTheFullForwardPass() throws Exception {
        Path dir = tmp.resolve("model");
        ModelConfig config = TestModels.write(dir, TestModels.Spec.qwen2());
        int[] tokens;
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            tokens = tok.encode(TEXT);
        }
        int v = config.vocabSize(), t = tokens.length, prefix = 7;
        try (DecoderModel model = DecoderModel.load(dir); NDManager scope = model.manager().newSubManager()) {
            float[] full = model.logits(model.forward(Torch.longs(scope, longs(tokens), 1, t), null, null, false)).toFloatArray();
            try (KvCache cache = new KvCache(config, 1, t, scope)) {
                float[] first = model.logits(model.forward(Torch.longs(scope, longs(Arrays.copyOf(tokens, prefix)), 1, prefix), cache, null, false))
                        .toFloatArray();
                assertClose(Arrays.copyOfRange(full, 0, prefix * v), first);
                for (int i = prefix; i < t; i++) {
                    float[] step = model.logits(model.forward(Torch.longs(scope, new long[] {tokens[i]}, 1, 1), cache, null, false)).toFloatArray();
                    assertClose(Arrays.copyOfRange(full, i * v, (i + 1) * v), step);
                }
                assertThat(cache.length()).isEqualTo(t);
            }
        }
    }

    @Test
    void rightPaddingInABatchDoesNotChangeTheRealPositions() throws Exception {
        Path dir = tmp.resolve("model");
        ModelConfig config = TestModels.write(dir, TestModels.Spec.llama());
        int[] a = {5, 80, 81, 82, 83, 84, 85, 86}, b = {9, 70, 71};
        int v = config.vocabSize();
        try (DecoderModel model = DecoderModel.load(dir); NDManager scope = model.manager().newSubManager()) {
            long[] batch = new long[2 * a.length];
            for (int i = 0; i < a.length; i++) batch[i] = a[i];
            for (int i = 0; i < b.length; i++) batch[a.length + i] = b[i]; // then padding with id 0
            float[] both = model.logits(model.forward(Torch.longs(scope, batch, 2, a.length), null, null, false)).toFloatArray();
            float[] alone = model.logits(model.forward(Torch.longs(scope, longs(b), 1, b.length), null, null, false)).toFloatArray();
            assertClose(Arrays.copyOfRange(both, a.length * v, (a.length + b.length) * v), alone);
        }
    }

    static long[] longs(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }

    static void assertClose(float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - actual[i]));
        assertThat(max).as("max |difference|").isLessThan(1e-4);
    }

}
