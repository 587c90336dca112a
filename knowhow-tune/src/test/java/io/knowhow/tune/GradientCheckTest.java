package io.knowhow.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.LoraConfig;
import io.knowhow.tune.model.LoraWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.Projection;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.model.TrainingBatch;
import io.knowhow.tune.train.AdamW;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gradients from autograd against central finite differences of the loss, for LoRA matrices and for
 * base weights. The "after a GC" variants collect garbage and churn DJL's Java-buffer scalars between
 * forward and backward: if any operation in the forward pass kept a temporary over Java memory in the
 * graph (DJL's {@code x.mul(3f)}), the backward pass would read freed, reused memory and these fail.
 */
class GradientCheckTest {
    @TempDir
    Path tmp;

    private ModelConfig config;
    private DecoderModel model;
    private TrainingBatch batch;

    @BeforeEach
    void setUp() throws Exception {
        Path dir = tmp.resolve("model");
        config = TestModels.write(dir, TestModels.Spec.qwen2().size(16, 32, 2, 4, 2));
        model = DecoderModel.load(dir);
        int[] tokens;
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            tokens = tok.encode(DecoderForwardTest.TEXT);
        }
        boolean[] targets = new boolean[tokens.length];
        for (int i = tokens.length / 2; i < tokens.length; i++) targets[i] = true;
        int[] shorter = java.util.Arrays.copyOf(tokens, tokens.length - 5);
        boolean[] shorterTargets = java.util.Arrays.copyOf(targets, shorter.length);
        batch = new TrainingBatch(new int[][] {tokens, shorter}, new boolean[][] {targets, shorterTargets});
        Torch.gradMode(false);
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void loraGradientsMatchFiniteDifferences() {
        checkLora(false);
    }

    @Test
    void loraGradientsMatchFiniteDifferencesAfterAGarbageCollection() {
        checkLora(true);
    }

    @Test
    void fullFineTuningGradientsMatchFiniteDifferencesAfterAGarbageCollection() {
        Map<String, NDArray> params = model.weights().named();
        List<String> names = List.of("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                "model.layers.0.self_attn.k_proj.bias", "model.layers.1.mlp.down_proj.weight", "model.layers.1.input_layernorm.weight",
                "model.norm.weight", "lm_head.weight");
        check(params, names, null, true);
    }

    private void checkLora(boolean gc) {
        LoraConfig lc = new LoraConfig(4, 8, 0, EnumSet.of(Projection.Q_PROJ, Projection.V_PROJ, Projection.DOWN_PROJ), false, "test");
        LoraWeights lora = LoraWeights.init(config, lc, model.manager(), 3);
        // B starts at zero, which would make A's gradient zero: give B values so both are exercised.
        SplittableRandom r = new SplittableRandom(9);
        for (Map.Entry<String, NDArray> e : lora.named().entrySet()) {
            if (!e.getKey().contains("lora_B")) continue;
            float[] v = new float[(int) e.getValue().getShape().size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian(0, 0.3);
            AdamW.copyInto(e.getValue(), Torch.floats(model.manager(), v, e.getValue().getShape().getShape()));
        }
        List<String> names = List.of(LoraWeights.nameA(0, Projection.Q_PROJ), LoraWeights.nameB(0, Projection.Q_PROJ),
                LoraWeights.nameA(1, Projection.V_PROJ), LoraWeights.nameB(1, Projection.DOWN_PROJ));
        check(lora.named(), names, lora, gc);
    }

    private void check(Map<String, NDArray> params, List<String> names, LoraWeights lora, boolean gc) {
        params.values().forEach(p -> p.setRequiresGradient(true));
        List<float[]> grads = new ArrayList<>();
        try (NDManager scope = model.manager().newSubManager()) {
            try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                NDArray loss = model.loss(batch, lora, false, scope).mean();
                if (gc) churn(scope);
                collector.backward(loss);
            }
            for (String n : names) {
                try (NDArray g = params.get(n).getGradient()) {
                    grads.add(g.toFloatArray());
                }
            }
        }
        params.values().forEach(p -> p.setRequiresGradient(false));

        SplittableRandom pick = new SplittableRandom(1);
        int checked = 0;
        for (int k = 0; k < names.size(); k++) {
            NDArray p = params.get(names.get(k));
            float[] g = grads.get(k);
            // The three largest-magnitude entries of a random sample: tiny gradients say little.
            List<Integer> sample = new ArrayList<>();
            for (int s = 0; s < Math.min(40, g.length); s++) sample.add(pick.nextInt(g.length));
            sample.sort((a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
            for (int idx : sample.subList(0, 3)) {
                double numeric = finiteDifference(p, idx, lora);
                assertThat(g[idx]).as("d loss / d %s[%d]", names.get(k), idx)
                        .isCloseTo((float) numeric, org.assertj.core.data.Offset.offset((float) (2e-3 + 0.03 * Math.abs(numeric))));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(names.size() * 3);
    }

    private double finiteDifference(NDArray param, int index, LoraWeights lora) {
        float[] original = param.toFloatArray();
        double h = 1e-2;
        double plus = lossWith(param, original, index, (float) (original[index] + h), lora);
        double minus = lossWith(param, original, index, (float) (original[index] - h), lora);
        AdamW.copyInto(param, Torch.floats(model.manager(), original, param.getShape().getShape()));
        return (plus - minus) / (2 * h);
    }

    private double lossWith(NDArray param, float[] original, int index, float value, LoraWeights lora) {
        float[] v = original.clone();
        v[index] = value;
        try (NDArray values = Torch.floats(model.manager(), v, param.getShape().getShape())) {
            AdamW.copyInto(param, values);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            return model.loss(batch, lora, false, scope).mean().getFloat();
        }
    }

    /** What a long training run does between forward and backward: GC, and DJL scalars over Java memory made and freed. */
    private static void churn(NDManager scope) {
        for (int round = 0; round < 3; round++) {
            byte[][] garbage = new byte[200][];
            for (int i = 0; i < garbage.length; i++) garbage[i] = new byte[100_000];
            System.gc();
            for (int i = 0; i < 500; i++) scope.create(1000f + i).close();
        }
    }
}
