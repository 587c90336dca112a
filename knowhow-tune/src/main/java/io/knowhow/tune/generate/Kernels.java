package io.knowhow.tune.generate;

/**
 * The arithmetic of decoding: dot products and matrix rows. Two implementations read the same
 * weights, {@link VectorKernels} (Vector API, rows spread over cores) and {@link ScalarKernels} (plain
 * loops, one thread), so either can check the other.
 */
sealed interface Kernels permits VectorKernels, ScalarKernels {
    /** {@code a[aOff .. aOff+n) · b[bOff .. bOff+n)}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code out[r] = row r of m · x} for r in [first, end). */
    void multiply(Matrix m, float[] x, float[] out, int first, int end);

    /** Whether a step's rows and heads are spread over the cores. */
    boolean parallel();
}
