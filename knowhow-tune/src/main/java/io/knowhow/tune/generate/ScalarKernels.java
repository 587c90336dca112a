package io.knowhow.tune.generate;

/**
 * Plain loops on one thread, nothing vectorised or parallel: the readable path, and the check on
 * {@link VectorKernels} ({@code -Dknowhow.decoder.scalar=true} selects it).
 */
enum ScalarKernels implements Kernels {
    INSTANCE;

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void multiply(Matrix m, float[] x, float[] out, int first, int end) {
        switch (m) {
            case Matrix.F32 f -> {
                for (int r = first; r < end; r++) out[r] = dot(f.w(), r * f.cols(), x, 0, f.cols());
            }
            case Matrix.Q8 q -> {
                int cols = q.cols();
                for (int r = first; r < end; r++) {
                    int off = r * cols;
                    float sum = 0;
                    for (int c = 0; c < cols; c++) sum += q.q()[off + c] * x[c] * q.scales()[(off + c) / Matrix.BLOCK];
                    out[r] = sum;
                }
            }
        }
    }

    @Override
    public boolean parallel() {
        return false;
    }
}
