package io.knowhow.tune.generate;

/**
 * A (rows, cols) weight matrix as decoding reads it: rows are output features, columns input features.
 * Data only; the arithmetic on it is a {@link Kernels}' job, so the vector and the scalar path read the
 * same bytes.
 */
sealed interface Matrix permits Matrix.F32, Matrix.Q8 {
    /** Weights per block of a Q8 row: the block format llama.cpp calls Q8_0. */
    int BLOCK = 32;

    int rows();

    int cols();

    /** Heap the weights take. */
    long bytes();

    /** Row {@code r} as f32 into {@code out} (an embedding lookup). */
    void row(int r, float[] out);

    /** {@code w} as {@code precision} asks; Q8 needs whole blocks per row, else the f32 weights stay. */
    static Matrix of(float[] w, int rows, int cols, VectorDecoder.Precision precision) {
        return precision == VectorDecoder.Precision.Q8 && cols % BLOCK == 0 ? Q8.quantize(w, rows, cols) : new F32(w, rows, cols);
    }

    /** The f32 weights, row-major. */
    record F32(float[] w, int rows, int cols) implements Matrix {
        @Override
        public long bytes() {
            return 4L * w.length;
        }

        @Override
        public void row(int r, float[] out) {
            System.arraycopy(w, r * cols, out, 0, cols);
        }

        @Override
        public String toString() {
            return "F32[" + rows + " x " + cols + "]";
        }
    }

    /**
     * Q8_0: {@code w ≈ scales[block] · q}, blocks of {@link #BLOCK} along each row; the scale is
     * max |w| / 127 of the block, the weights rounded to int8.
     *
     * @param q      (rows, cols) int8 weights, row-major
     * @param scales (rows, cols / BLOCK) one f32 scale per block
     */
    record Q8(byte[] q, float[] scales, int rows, int cols) implements Matrix {
        static Q8 quantize(float[] w, int rows, int cols) {
            byte[] q = new byte[w.length];
            float[] scales = new float[w.length / BLOCK];
            for (int b = 0; b < scales.length; b++) {
                float max = 0;
                for (int i = b * BLOCK; i < (b + 1) * BLOCK; i++) max = Math.max(max, Math.abs(w[i]));
                float scale = max / 127f;
                scales[b] = scale;
                float inv = scale == 0 ? 0 : 1f / scale;
                for (int i = b * BLOCK; i < (b + 1) * BLOCK; i++) q[i] = (byte) Math.round(w[i] * inv);
            }
            return new Q8(q, scales, rows, cols);
        }

        @Override
        public long bytes() {
            return q.length + 4L * scales.length;
        }

        @Override
        public void row(int r, float[] out) {
            for (int i = 0; i < cols; i++) out[i] = q[r * cols + i] * scales[(r * cols + i) / BLOCK];
        }

        @Override
        public String toString() {
            return "Q8[" + rows + " x " + cols + "]";
        }
    }
}
