package io.knowhow.tune.generate;

import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.DecoderWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.Projection;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Decodes one token at a time in Java with the Vector API, over weights copied out of a
 * {@link DecoderModel} (after any adapter was merged). The same equations as {@code DecoderModel.forward}.
 *
 * <p>Why by hand, beside libtorch: decoding one token is about 60 small operations per layer. Through
 * DJL each is a JNI call that allocates and registers an array, and on 2 cores those ~1,800 calls per
 * token cost as much as reading the weights: 15 tokens/s at the SmolLM2-135M shape, 4 GFLOP/s against a
 * 180 GFLOP/s matmul ceiling (docs/benchmarks.md). Here a token is a few loops over arrays, every matrix-
 * vector product split across cores, and the weights can be read as 8-bit blocks (Q8, a quarter of the
 * bytes of f32) since decoding is bound by memory. Training and the prompt's prefill stay on libtorch, where
 * batched matmuls keep its overhead small; the prefill's keys and values are copied in ({@link #load}).
 *
 * <p>Q8 is the block format llama.cpp calls Q8_0: per row, blocks of 32 weights share one f32 scale
 * (max |w| / 127) and are rounded to int8; activations stay f32. Its error is far below the differences
 * between sampled tokens; greedy decoding can still pick another token where two logits nearly tie.
 */
public final class VectorDecoder {
    /** How the weight matrices are held. */
    public enum Precision {
        /** The f32 weights, exactly. */
        F32,
        /** 8-bit blocks of 32 with an f32 scale each: a quarter of the memory traffic. */
        Q8;

        public static Precision parse(String s) {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int BLOCK = 32;
    /** Rows per parallel task: big enough to amortise the hand-off, small enough to balance 2+ cores. */
    private static final int ROWS_PER_TASK = 64;

    private final ModelConfig config;
    private final Precision precision;
    private final Matrix embed;     // (vocab, hidden): rows are looked up
    private final Matrix lmHead;    // (vocab, hidden); the same object as embed when tied
    private final float[] finalNorm;
    private final Layer[] layers;
    private final float[] inverseFrequencies; // (head_dim / 2)

    private record Layer(float[] inputNorm, Matrix q, float[] qBias, Matrix k, float[] kBias, Matrix v, float[] vBias, Matrix o, float[] oBias,
                         float[] postNorm, Matrix gate, float[] gateBias, Matrix up, float[] upBias, Matrix down, float[] downBias) {}

    private VectorDecoder(ModelConfig config, Precision precision, Matrix embed, Matrix lmHead, float[] finalNorm, Layer[] layers) {
        this.config = config;
        this.precision = precision;
        this.embed = embed;
        this.lmHead = lmHead;
        this.finalNorm = finalNorm;
        this.layers = layers;
        this.inverseFrequencies = config.ropeScaling().inverseFrequencies(config.headDim(), config.ropeTheta());
    }

    /** Copies {@code model}'s weights (f32 or quantized to Q8); the model may be closed afterwards. */
    public static VectorDecoder of(DecoderModel model, Precision precision) {
        ModelConfig c = model.config();
        DecoderWeights w = model.weights();
        Matrix embed = matrix(w.embed().toFloatArray(), c.vocabSize(), c.hiddenSize(), precision);
        Matrix head = c.tiedEmbeddings() ? embed : matrix(w.lmHead().toFloatArray(), c.vocabSize(), c.hiddenSize(), precision);
        Layer[] layers = new Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            DecoderWeights.Layer x = w.layer(l);
            layers[l] = new Layer(x.inputNorm().toFloatArray(),
                    matrix(x, Projection.Q_PROJ, c, precision), floats(x.qBias()),
                    matrix(x, Projection.K_PROJ, c, precision), floats(x.kBias()),
                    matrix(x, Projection.V_PROJ, c, precision), floats(x.vBias()),
                    matrix(x, Projection.O_PROJ, c, precision), floats(x.oBias()),
                    x.postNorm().toFloatArray(),
                    matrix(x, Projection.GATE_PROJ, c, precision), floats(x.gateBias()),
                    matrix(x, Projection.UP_PROJ, c, precision), floats(x.upBias()),
                    matrix(x, Projection.DOWN_PROJ, c, precision), floats(x.downBias()));
        }
        return new VectorDecoder(c, precision, embed, head, w.finalNorm().toFloatArray(), layers);
    }

    /**
     * Heap the weight matrices of {@code config} would take at {@code precision} (f32: 4 bytes a weight; Q8: one
     * byte plus a 4-byte scale per 32), norms and biases included roughly; for deciding whether they fit.
     */
    public static long estimateBytes(ModelConfig config, Precision precision) {
        long weights = config.parameterCount();
        return precision == Precision.F32 ? 4 * weights : weights + weights / BLOCK * 4;
    }

    public Precision precision() {
        return precision;
    }

    /** Bytes the weight matrices take here. */
    public long weightBytes() {
        long b = embed.bytes() + (lmHead == embed ? 0 : lmHead.bytes());
        for (Layer l : layers) b += l.q.bytes() + l.k.bytes() + l.v.bytes() + l.o.bytes() + l.gate.bytes() + l.up.bytes() + l.down.bytes();
        return b;
    }

    /** Keys and values of one generation: per layer (kv_heads, capacity, head_dim), as {@code KvCache} lays them out for batch 1. */
    public final class Cache {
        final float[][] keys;
        final float[][] values;
        final int capacity;
        int length;

        Cache(int capacity) {
            if (capacity < 1 || capacity > config.contextLength())
                throw new IllegalArgumentException("cache capacity must be between 1 and the model's context length "
                        + config.contextLength() + ", got " + capacity);
            this.capacity = capacity;
            int size = config.kvHeads() * capacity * config.headDim();
            keys = new float[config.layers()][size];
            values = new float[config.layers()][size];
        }

        public int length() {
            return length;
        }
    }

    public Cache newCache(int capacity) {
        return new Cache(capacity);
    }

    /**
     * Sets the first {@code length} positions of {@code cache} to keys and values computed elsewhere
     * (the libtorch prefill): per layer, arrays laid out (kv_heads, length, head_dim).
     */
    public void load(Cache cache, float[][] keys, float[][] values, int length) {
        if (length > cache.capacity) throw new IllegalArgumentException("prefill of " + length + " positions exceeds the cache's " + cache.capacity);
        int dim = config.headDim();
        for (int l = 0; l < config.layers(); l++) {
            for (int h = 0; h < config.kvHeads(); h++) {
                System.arraycopy(keys[l], h * length * dim, cache.keys[l], h * cache.capacity * dim, length * dim);
                System.arraycopy(values[l], h * length * dim, cache.values[l], h * cache.capacity * dim, length * dim);
            }
        }
        cache.length = length;
    }

    /** Runs {@code token} at the cache's next position and returns the logits for the token after it. */
    public float[] step(Cache cache, int token) {
        if (cache.length >= cache.capacity) throw new IllegalStateException("KV cache full: " + cache.capacity + " positions");
        if (token < 0 || token >= config.vocabSize()) throw new IllegalArgumentException("token id " + token + " outside the vocabulary");
        int hidden = config.hiddenSize(), heads = config.heads(), kvHeads = config.kvHeads(), dim = config.headDim();
        int pos = cache.length;
        float[] x = embed.row(token);
        float[] h = new float[hidden];
        float[] q = new float[heads * dim], k = new float[kvHeads * dim], v = new float[kvHeads * dim];
        float[] attended = new float[heads * dim];
        float[] gate = new float[config.intermediateSize()], up = new float[config.intermediateSize()];
        float[] projected = new float[hidden];
        float[] cos = new float[dim / 2], sin = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            float angle = pos * inverseFrequencies[i]; // f32 product, as DecoderModel's table
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
        for (int l = 0; l < layers.length; l++) {
            Layer w = layers[l];
            rmsNorm(x, w.inputNorm, h);
            matvec(h, new Matrix[] {w.q, w.k, w.v}, new float[][] {q, k, v});
            addBias(q, w.qBias);
            addBias(k, w.kBias);
            addBias(v, w.vBias);
            for (int head = 0; head < heads; head++) rope(q, head * dim, dim, cos, sin);
            for (int head = 0; head < kvHeads; head++) {
                rope(k, head * dim, dim, cos, sin);
                System.arraycopy(k, head * dim, cache.keys[l], (head * cache.capacity + pos) * dim, dim);
                System.arraycopy(v, head * dim, cache.values[l], (head * cache.capacity + pos) * dim, dim);
            }
            attend(q, cache.keys[l], cache.values[l], cache.capacity, pos + 1, attended);
            matvec(attended, new Matrix[] {w.o}, new float[][] {projected});
            addBias(projected, w.oBias);
            for (int i = 0; i < hidden; i++) x[i] += projected[i];
            rmsNorm(x, w.postNorm, h);
            matvec(h, new Matrix[] {w.gate, w.up}, new float[][] {gate, up});
            addBias(gate, w.gateBias);
            addBias(up, w.upBias);
            for (int i = 0; i < gate.length; i++) gate[i] = gate[i] / (1f + (float) Math.exp(-gate[i])) * up[i]; // silu(gate) ⊙ up
            matvec(gate, new Matrix[] {w.down}, new float[][] {projected});
            addBias(projected, w.downBias);
            for (int i = 0; i < hidden; i++) x[i] += projected[i];
        }
        cache.length = pos + 1;
        rmsNorm(x, finalNorm, h);
        float[] logits = new float[config.vocabSize()];
        matvec(h, new Matrix[] {lmHead}, new float[][] {logits});
        return logits;
    }

    private void rmsNorm(float[] x, float[] weight, float[] out) {
        float sum = 0;
        for (float value : x) sum += value * value;
        float scale = (float) (1.0 / Math.sqrt(sum / x.length + (float) config.rmsNormEps()));
        for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * weight[i];
    }

    private static void addBias(float[] y, float[] bias) {
        if (bias != null) for (int i = 0; i < y.length; i++) y[i] += bias[i];
    }

    /** RoPE in the rotate-half form on one head's slice {@code x[off .. off+dim)}. */
    private static void rope(float[] x, int off, int dim, float[] cos, float[] sin) {
        int half = dim / 2;
        for (int i = 0; i < half; i++) {
            float a = x[off + i], b = x[off + i + half];
            x[off + i] = a * cos[i] - b * sin[i];
            x[off + i + half] = b * cos[i] + a * sin[i];
        }
    }

    /** Causal attention of one query position over {@code length} cached positions, query head j reading kv head j / group. */
    private void attend(float[] q, float[] keys, float[] values, int capacity, int length, float[] out) {
        int dim = config.headDim(), group = config.groupSize();
        float scale = (float) (1.0 / Math.sqrt(dim));
        IntStream heads = IntStream.range(0, config.heads());
        if (length > 256) heads = heads.parallel(); // below that the hand-off costs more than the work
        int first = config.slidingWindow() > 0 ? Math.max(0, length - config.slidingWindow()) : 0; // Mistral's window
        heads.forEach(head -> {
            int kv = head / group, qOff = head * dim;
            float[] scores = new float[length];
            float max = Float.NEGATIVE_INFINITY;
            for (int p = first; p < length; p++) {
                scores[p] = dot(q, qOff, keys, (kv * capacity + p) * dim, dim) * scale;
                max = Math.max(max, scores[p]);
            }
            float sum = 0;
            for (int p = first; p < length; p++) {
                scores[p] = (float) Math.exp(scores[p] - max);
                sum += scores[p];
            }
            java.util.Arrays.fill(out, qOff, qOff + dim, 0f);
            for (int p = first; p < length; p++) {
                float a = scores[p] / sum;
                int vOff = (kv * capacity + p) * dim;
                for (int i = 0; i < dim; i++) out[qOff + i] += a * values[vOff + i];
            }
        });
    }

    /** {@code outs[m] = ms[m] · x} for every m, the rows of all of them split into tasks across cores. */
    private static void matvec(float[] x, Matrix[] ms, float[][] outs) {
        int[] starts = new int[ms.length + 1];
        for (int m = 0; m < ms.length; m++) starts[m + 1] = starts[m] + (ms[m].rows() + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream.range(0, starts[ms.length]).parallel().forEach(task -> {
            int m = 0;
            while (task >= starts[m + 1]) m++;
            int first = (task - starts[m]) * ROWS_PER_TASK;
            ms[m].multiply(x, outs[m], first, Math.min(ms[m].rows(), first + ROWS_PER_TASK));
        });
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length())
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    private static Matrix matrix(DecoderWeights.Layer layer, Projection p, ModelConfig c, Precision precision) {
        return matrix(layer.weight(p).toFloatArray(), p.outFeatures(c), p.inFeatures(c), precision);
    }

    static Matrix matrix(float[] w, int rows, int cols, Precision precision) {
        return precision == Precision.Q8 && cols % BLOCK == 0 ? Q8Matrix.quantize(w, rows, cols) : new F32Matrix(w, rows, cols);
    }

    private static float[] floats(ai.djl.ndarray.NDArray a) {
        return a == null ? null : a.toFloatArray();
    }

    /** A (rows, cols) weight matrix as decoding reads it. */
    interface Matrix {
        int rows();

        int cols();

        long bytes();

        /** {@code out[r] = row r · x} for r in [first, end). */
        void multiply(float[] x, float[] out, int first, int end);

        /** Row {@code r} as f32 (an embedding lookup). */
        float[] row(int r);
    }

    record F32Matrix(float[] w, int rows, int cols) implements Matrix {
        @Override
        public long bytes() {
            return 4L * w.length;
        }

        @Override
        public void multiply(float[] x, float[] out, int first, int end) {
            for (int r = first; r < end; r++) out[r] = dot(w, r * cols, x, 0, cols);
        }

        @Override
        public float[] row(int r) {
            return java.util.Arrays.copyOfRange(w, r * cols, (r + 1) * cols);
        }
    }

    /** Q8_0: {@code w ≈ scale[block] · q}, blocks of 32 along each row. */
    record Q8Matrix(byte[] q, float[] scales, int rows, int cols) implements Matrix {
        // As many int8 lanes in as f32 lanes out: 8 on AVX2, 16 on AVX-512; none (scalar) otherwise.
        private static final VectorSpecies<Byte> B = switch (F.length()) {
            case 8 -> ByteVector.SPECIES_64;
            case 16 -> ByteVector.SPECIES_128;
            default -> null;
        };

        static Q8Matrix quantize(float[] w, int rows, int cols) {
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
            return new Q8Matrix(q, scales, rows, cols);
        }

        @Override
        public long bytes() {
            return q.length + 4L * scales.length;
        }

        @Override
        public void multiply(float[] x, float[] out, int first, int end) {
            for (int r = first; r < end; r++) {
                int off = r * cols;
                if (B == null) {
                    float sum = 0;
                    for (int c = 0; c < cols; c++) sum += q[off + c] * x[c] * scales[(off + c) / BLOCK];
                    out[r] = sum;
                    continue;
                }
                FloatVector acc = FloatVector.zero(F);
                for (int c = 0; c < cols; c += BLOCK) {
                    FloatVector block = FloatVector.zero(F);
                    for (int i = 0; i < BLOCK; i += F.length()) {
                        FloatVector w = (FloatVector) ByteVector.fromArray(B, q, off + c + i).convertShape(VectorOperators.B2F, F, 0);
                        block = w.fma(FloatVector.fromArray(F, x, c + i), block);
                    }
                    acc = block.fma(FloatVector.broadcast(F, scales[(off + c) / BLOCK]), acc);
                }
                out[r] = acc.reduceLanes(VectorOperators.ADD);
            }
        }

        @Override
        public float[] row(int r) {
            float[] out = new float[cols];
            for (int i = 0; i < cols; i++) out[i] = q[r * cols + i] * scales[(r * cols + i) / BLOCK];
            return out;
        }
    }
}
