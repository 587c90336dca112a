package io.knowhow.tune.generate;

import io.knowhow.tune.model.ModelConfig;

import java.util.Arrays;

/**
 * One decoding step: the token at the state's next position through every layer, to the logits of
 * the token after it. The same equations as {@code DecoderModel.forward}: RMSNorm, q/k/v projections
 * (with biases where the family has them), RoPE in the rotate-half form, causal grouped-query
 * attention (Mistral's sliding window applied), o_proj, residual, RMSNorm, SwiGLU MLP, residual; then
 * the final norm and the LM head. Stateless: weights in, state updated, arithmetic by the given
 * {@link Kernels}.
 */
final class Forward {
    /** Rows per parallel task: big enough to amortise the hand-off, small enough to balance 2+ cores. */
    static final int ROWS_PER_TASK = 64;
    /** Below this many positions, spreading heads over cores costs more than the work. */
    static final int PARALLEL_ATTENTION = 256;

    private Forward() {}

    /** Runs {@code token} at {@code s.length} and returns {@code s.logits}. */
    static float[] step(DecodingWeights w, DecodingState s, Kernels kernels, int token) {
        ModelConfig c = w.config;
        int heads = c.heads(), kvHeads = c.kvHeads(), dim = c.headDim();
        int pos = s.length;
        w.embed.row(token, s.x);
        for (int i = 0; i < dim / 2; i++) {
            float angle = pos * w.inverseFrequencies[i]; // f32 product, as DecoderModel's table
            s.cos[i] = (float) Math.cos(angle);
            s.sin[i] = (float) Math.sin(angle);
        }
        for (int l = 0; l < c.layers(); l++) {
            rmsNorm(s.x, w.inputNorm[l], s.h, c.rmsNormEps());
            s.matvec.run(kernels, s.h, w.q[l], s.q, w.k[l], s.k, w.v[l], s.v);
            addBias(s.q, w.qBias[l]);
            addBias(s.k, w.kBias[l]);
            addBias(s.v, w.vBias[l]);
            for (int head = 0; head < heads; head++) rope(s.q, head * dim, dim, s.cos, s.sin);
            for (int head = 0; head < kvHeads; head++) {
                rope(s.k, head * dim, dim, s.cos, s.sin);
                System.arraycopy(s.k, head * dim, s.keys[l], (head * s.capacity + pos) * dim, dim);
                System.arraycopy(s.v, head * dim, s.values[l], (head * s.capacity + pos) * dim, dim);
            }
            s.attend.run(kernels, l, pos + 1);
            s.matvec.run(kernels, s.attended, w.o[l], s.projected, null, null, null, null);
            addBias(s.projected, w.oBias[l]);
            for (int i = 0; i < s.x.length; i++) s.x[i] += s.projected[i];
            rmsNorm(s.x, w.postNorm[l], s.h, c.rmsNormEps());
            s.matvec.run(kernels, s.h, w.gate[l], s.gate, w.up[l], s.up, null, null);
            addBias(s.gate, w.gateBias[l]);
            addBias(s.up, w.upBias[l]);
            for (int i = 0; i < s.gate.length; i++) s.gate[i] = s.gate[i] / (1f + (float) Math.exp(-s.gate[i])) * s.up[i]; // silu(gate) ⊙ up
            s.matvec.run(kernels, s.gate, w.down[l], s.projected, null, null, null, null);
            addBias(s.projected, w.downBias[l]);
            for (int i = 0; i < s.x.length; i++) s.x[i] += s.projected[i];
        }
        s.length = pos + 1;
        rmsNorm(s.x, w.finalNorm, s.h, c.rmsNormEps());
        s.matvec.run(kernels, s.h, w.lmHead, s.logits, null, null, null, null);
        return s.logits;
    }

    static void rmsNorm(float[] x, float[] weight, float[] out, double eps) {
        float sum = 0;
        for (float value : x) sum += value * value;
        float scale = (float) (1.0 / Math.sqrt(sum / x.length + (float) eps));
        for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * weight[i];
    }

    static void addBias(float[] y, float[] bias) {
        if (bias != null) for (int i = 0; i < y.length; i++) y[i] += bias[i];
    }

    /** RoPE in the rotate-half form on one head's slice {@code x[off .. off+dim)}. */
    static void rope(float[] x, int off, int dim, float[] cos, float[] sin) {
        int half = dim / 2;
        for (int i = 0; i < half; i++) {
            float a = x[off + i], b = x[off + i + half];
            x[off + i] = a * cos[i] - b * sin[i];
            x[off + i + half] = b * cos[i] + a * sin[i];
        }
    }

    /**
     * {@code out_m = m · x} for up to three matrices at once, their rows cut into tasks of
     * {@link #ROWS_PER_TASK} and, with parallel kernels, spread over cores. Fields are set per call;
     * the arrays are the generation's own, so nothing is allocated.
     */
    static final class Matvec implements CoreSplit.Job {
        private final CoreSplit cores;
        private final Matrix[] matrices = new Matrix[3];
        private final float[][] outs = new float[3][];
        private final int[] starts = new int[4]; // first task of each matrix, then the total
        private int count;
        private float[] x;
        private Kernels kernels;

        Matvec(CoreSplit cores) {
            this.cores = cores;
        }

        /** Later pairs may be null. */
        void run(Kernels kernels, float[] x, Matrix m0, float[] out0, Matrix m1, float[] out1, Matrix m2, float[] out2) {
            this.kernels = kernels;
            this.x = x;
            matrices[0] = m0;
            outs[0] = out0;
            matrices[1] = m1;
            outs[1] = out1;
            matrices[2] = m2;
            outs[2] = out2;
            count = m1 == null ? 1 : m2 == null ? 2 : 3;
            for (int m = 0; m < count; m++) starts[m + 1] = starts[m] + (matrices[m].rows() + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            if (kernels.parallel()) {
                cores.run(starts[count], this);
            } else {
                for (int m = 0; m < count; m++) kernels.multiply(matrices[m], x, outs[m], 0, matrices[m].rows());
            }
        }

        @Override
        public void run(int task) {
            int m = 0;
            while (task >= starts[m + 1]) m++;
            int first = (task - starts[m]) * ROWS_PER_TASK;
            kernels.multiply(matrices[m], x, outs[m], first, Math.min(matrices[m].rows(), first + ROWS_PER_TASK));
        }
    }

    /**
     * Causal attention of the current position over the cached ones, one task per query head; query
     * head j reads kv head j / group. Heads are spread over cores only for long contexts.
     */
    static final class Attend implements CoreSplit.Job {
        private final CoreSplit cores;
        private final ModelConfig config;
        private final DecodingState s;
        private final float scale;
        private Kernels kernels;
        private int layer;
        private int length;
        private int first;

        Attend(CoreSplit cores, ModelConfig config, DecodingState state) {
            this.cores = cores;
            this.config = config;
            this.s = state;
            this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
        }

        /** Attends over positions [0, length) of {@code layer}'s cache into {@code s.attended}. */
        void run(Kernels kernels, int layer, int length) {
            this.kernels = kernels;
            this.layer = layer;
            this.length = length;
            this.first = config.slidingWindow() > 0 ? Math.max(0, length - config.slidingWindow()) : 0; // Mistral's window
            if (kernels.parallel() && length > PARALLEL_ATTENTION) {
                cores.run(config.heads(), this);
            } else {
                for (int head = 0; head < config.heads(); head++) run(head);
            }
        }

        @Override
        public void run(int head) {
            int dim = config.headDim(), capacity = s.capacity, kv = head / config.groupSize(), qOff = head * dim;
            float[] keys = s.keys[layer], values = s.values[layer], scores = s.scores, out = s.attended;
            int base = head * capacity; // this head's row of scores
            float max = Float.NEGATIVE_INFINITY;
            for (int p = first; p < length; p++) {
                scores[base + p] = kernels.dot(s.q, qOff, keys, (kv * capacity + p) * dim, dim) * scale;
                max = Math.max(max, scores[base + p]);
            }
            float sum = 0;
            for (int p = first; p < length; p++) {
                scores[base + p] = (float) Math.exp(scores[base + p] - max);
                sum += scores[base + p];
            }
            Arrays.fill(out, qOff, qOff + dim, 0f);
            for (int p = first; p < length; p++) {
                float a = scores[base + p] / sum;
                int vOff = (kv * capacity + p) * dim;
                for (int i = 0; i < dim; i++) out[qOff + i] += a * values[vOff + i];
            }
        }
    }
}
