package io.knowhow.tune.generate;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API at the machine's preferred width (AVX2: 8 floats, AVX-512: 16); a step's rows and
 * heads are spread over the cores. Q8 rows are widened from int8 a block at a time and scaled once per
 * block; on a machine without a matching byte species they fall back to the scalar loop.
 */
enum VectorKernels implements Kernels {
    INSTANCE;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** As many int8 lanes in as f32 lanes out: 8 on AVX2, 16 on AVX-512; none (scalar) otherwise. */
    private static final VectorSpecies<Byte> B = switch (F.length()) {
        case 8 -> ByteVector.SPECIES_64;
        case 16 -> ByteVector.SPECIES_128;
        default -> null;
    };

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length())
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void multiply(Matrix m, float[] x, float[] out, int first, int end) {
        switch (m) {
            case Matrix.F32 f -> {
                for (int r = first; r < end; r++) out[r] = dot(f.w(), r * f.cols(), x, 0, f.cols());
            }
            case Matrix.Q8 q -> {
                if (B == null) ScalarKernels.INSTANCE.multiply(q, x, out, first, end);
                else multiplyQ8(q.q(), q.scales(), q.cols(), x, out, first, end);
            }
        }
    }

    private static void multiplyQ8(byte[] q, float[] scales, int cols, float[] x, float[] out, int first, int end) {
        for (int r = first; r < end; r++) {
            int off = r * cols;
            FloatVector acc = FloatVector.zero(F);
            for (int c = 0; c < cols; c += Matrix.BLOCK) {
                FloatVector block = FloatVector.zero(F);
                for (int i = 0; i < Matrix.BLOCK; i += F.length()) {
                    FloatVector w = (FloatVector) ByteVector.fromArray(B, q, off + c + i).convertShape(VectorOperators.B2F, F, 0);
                    block = w.fma(FloatVector.fromArray(F, x, c + i), block);
                }
                acc = block.fma(FloatVector.broadcast(F, scales[(off + c) / Matrix.BLOCK]), acc);
            }
            out[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    @Override
    public boolean parallel() {
        return true;
    }
}
