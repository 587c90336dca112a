package io.knowhow.embed.onnx;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Pooling over (batch, length, dimension) hidden states, without a model. */
class PoolerTest {
    /** Two texts, length 3, dimension 2; text 1 has one real token, then padding that must not count. */
    private static final FloatBuffer STATES = FloatBuffer.wrap(new float[] {
            3, 0, 0, 4, 3, 4,        // text 0
            0, 2, 100, 100, 100, 100 // text 1: one real token, two padding rows
    });

    @Test
    void meanPoolingAveragesRealTokensOnlyAndNormalises() {
        Pooler mean = new Pooler(Pooling.MEAN, 2);
        assertThat(mean.pool(STATES, 0, 3, 3)).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
        assertThat(mean.pool(STATES, 1, 3, 1)).containsExactly(new float[] {0f, 1f}, within(1e-6f));
    }

    @Test
    void clsPoolingTakesTheFirstToken() {
        Pooler cls = new Pooler(Pooling.CLS, 2);
        assertThat(cls.pool(STATES, 0, 3, 3)).containsExactly(new float[] {1f, 0f}, within(1e-6f));
    }

    @Test
    void aZeroVectorStaysZero() {
        assertThat(Pooler.normalize(new float[] {0, 0})).containsExactly(0f, 0f);
    }
}
