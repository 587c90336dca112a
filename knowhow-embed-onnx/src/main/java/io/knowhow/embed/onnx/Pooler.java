package io.knowhow.embed.onnx;

import java.nio.FloatBuffer;

/**
 * Turns one text's rows of {@code last_hidden_state} into a unit-length sentence vector, by the
 * model's {@link Pooling}.
 *
 * @param pooling   mean over real tokens, or the first token
 * @param dimension hidden size: the length of each token vector and of the result
 */
record Pooler(Pooling pooling, int dimension) {
    /**
     * Pools row {@code b} of {@code states} (batch, length, dimension) over its first {@code tokens}
     * positions and normalises the result.
     */
    float[] pool(FloatBuffer states, int b, int length, int tokens) {
        int base = b * length * dimension;
        float[] vector = new float[dimension];
        switch (pooling) {
            case CLS -> states.get(base, vector);
            case MEAN -> {
                // Padding positions are excluded: they carry no meaning and their count varies per batch.
                for (int t = 0; t < tokens; t++) {
                    int row = base + t * dimension;
                    for (int d = 0; d < dimension; d++) {
                        vector[d] += states.get(row + d);
                    }
                }
                for (int d = 0; d < dimension; d++) {
                    vector[d] /= tokens;
                }
            }
        }
        return normalize(vector);
    }

    /** Scales {@code v} to unit length in place; a zero vector stays zero. */
    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float scale = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return v;
    }
}
