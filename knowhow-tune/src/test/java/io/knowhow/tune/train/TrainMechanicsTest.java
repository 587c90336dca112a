package io.knowhow.tune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.knowhow.tune.model.Torch;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The learning-rate schedule and AdamW against hand computation. */
class TrainMechanicsTest {
    @Test
    void warmupThenCosineToZero() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 4, 20);
        assertThat(s.at(0)).isCloseTo(2.5e-4, within(1e-12));
        assertThat(s.at(3)).isCloseTo(1e-3, within(1e-12));
        assertThat(s.at(4)).isCloseTo(1e-3, within(1e-12));
        assertThat(s.at(12)).isCloseTo(5e-4, within(1e-12)); // half-way through the decay
        assertThat(s.at(19)).isCloseTo(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 15 / 16)), within(1e-12));
        assertThat(LearningRateSchedule.withWarmupRatio(1e-3, 0.1, 100).warmupSteps()).isEqualTo(10);
        assertThat(new LearningRateSchedule(1e-3, 0, 1).at(0)).isEqualTo(1e-3);
        assertThatThrownBy(() -> new LearningRateSchedule(0, 0, 10)).hasMessageContaining("positive");
    }

    @Test
    void adamWMatchesAScalarComputationIncludingClippingAndDecay() {
        float[] p0 = {0.5f, -1.0f, 2.0f};
        double lr = 0.1, wd = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, clip = 1.0;
        double[] p = {0.5, -1.0, 2.0}, m = new double[3], v = new double[3];
        Torch.gradMode(false);
        try (NDManager manager = Torch.newManager()) {
            NDArray param = Torch.floats(manager, p0, 3);
            param.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w", param);
            AdamW adam = new AdamW(params, manager, b1, b2, eps, wd);
            for (int t = 1; t <= 3; t++) {
                // loss = sum(c_i * w_i^2), gradient 2 c_i w_i; c chosen so the norm exceeds the clip at first
                float[] c = {3f, 1f, 0.5f};
                try (NDManager scope = manager.newSubManager()) {
                    try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                        gc.backward(param.mul(param).mul(Torch.floats(scope, c, 3)).sum());
                    }
                }
                double[] g = new double[3];
                double norm = 0;
                for (int i = 0; i < 3; i++) {
                    g[i] = 2 * c[i] * p[i];
                    norm += g[i] * g[i];
                }
                norm = Math.sqrt(norm);
                double coef = norm > clip ? clip / (norm + 1e-6) : 1;
                double returned = adam.step(lr, clip);
                assertThat(returned).isCloseTo(norm, within(1e-4 * norm));
                for (int i = 0; i < 3; i++) {
                    double gi = g[i] * coef;
                    p[i] *= 1 - lr * wd;
                    m[i] = b1 * m[i] + (1 - b1) * gi;
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    p[i] -= lr * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
                }
                float[] actual = param.toFloatArray();
                for (int i = 0; i < 3; i++) assertThat((double) actual[i]).as("step %d, w[%d]", t, i).isCloseTo(p[i], within(1e-5));
                try (NDArray grad = param.getGradient()) {
                    assertThat(grad.toFloatArray()).containsOnly(0f); // cleared for the next step
                }
            }
            assertThat(adam.steps()).isEqualTo(3);
            assertThat(adam.state()).containsOnlyKeys("w.exp_avg", "w.exp_avg_sq");
        }
    }
}
