package io.knowhow.tune.generate;

import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.ModelConfig;

import java.util.Locale;

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
 *
 * <p>Laid out as llama3.java does: immutable weights ({@code DecodingWeights}, shared by any number of
 * generations), per-generation state ({@link Cache}: the KV cache and every buffer a step writes,
 * allocated once, so a step allocates nothing), and a stateless step ({@code Forward}) whose arithmetic
 * is either the Vector API ({@link Arithmetic#VECTOR}) or plain scalar loops ({@link Arithmetic#SCALAR},
 * {@code -Dknowhow.decoder.scalar=true}), each the check on the other.
 */
public final class VectorDecoder {
    /** The system property that selects {@link Arithmetic#SCALAR} for {@link #of(DecoderModel, Precision)}. */
    public static final String SCALAR_PROPERTY = "knowhow.decoder.scalar";

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

    /** How a step computes. */
    public enum Arithmetic {
        /** The Vector API, rows and heads spread over the cores: the fast path. */
        VECTOR,
        /** Plain loops on one thread: the readable reference the fast path is checked against. */
        SCALAR
    }

    private final DecodingWeights weights;
    private final Kernels kernels;

    private VectorDecoder(DecodingWeights weights, Kernels kernels) {
        this.weights = weights;
        this.kernels = kernels;
    }

    /**
     * Copies {@code model}'s weights (f32 or quantized to Q8); the model may be closed afterwards. Computes
     * with the Vector API, or with scalar loops when the system property {@value #SCALAR_PROPERTY} is true.
     */
    public static VectorDecoder of(DecoderModel model, Precision precision) {
        return of(model, precision, Boolean.getBoolean(SCALAR_PROPERTY) ? Arithmetic.SCALAR : Arithmetic.VECTOR);
    }

    /** Copies {@code model}'s weights (f32 or quantized to Q8), computing with {@code arithmetic}. */
    public static VectorDecoder of(DecoderModel model, Precision precision, Arithmetic arithmetic) {
        Kernels kernels = arithmetic == Arithmetic.SCALAR ? ScalarKernels.INSTANCE : VectorKernels.INSTANCE;
        return new VectorDecoder(new DecodingWeights(model, precision), kernels);
    }

    /**
     * Heap the weight matrices of {@code config} would take at {@code precision} (f32: 4 bytes a weight; Q8: one
     * byte plus a 4-byte scale per 32), norms and biases included roughly; for deciding whether they fit.
     */
    public static long estimateBytes(ModelConfig config, Precision precision) {
        long weights = config.parameterCount();
        return precision == Precision.F32 ? 4 * weights : weights + weights / Matrix.BLOCK * 4;
    }

    public Precision precision() {
        return weights.precision;
    }

    public Arithmetic arithmetic() {
        return kernels == ScalarKernels.INSTANCE ? Arithmetic.SCALAR : Arithmetic.VECTOR;
    }

    /** Bytes the weight matrices take here. */
    public long weightBytes() {
        return weights.bytes();
    }

    /**
     * One generation: keys and values per layer (kv_heads, capacity, head_dim), as {@code KvCache} lays
     * them out for batch 1, and the buffers a step writes. Belongs to the decoder that made it; used by one
     * thread at a time.
     */
    public static final class Cache {
        final VectorDecoder owner;
        final DecodingState state;

        private Cache(VectorDecoder owner, DecodingState state) {
            this.owner = owner;
            this.state = state;
        }

        public int length() {
            return state.length;
        }
    }

    /** A generation of at most {@code capacity} positions, prompt included. */
    public Cache newCache(int capacity) {
        return new Cache(this, new DecodingState(weights.config, capacity));
    }

    /**
     * Sets the first {@code length} positions of {@code cache} to keys and values computed elsewhere
     * (the libtorch prefill): per layer, arrays laid out (kv_heads, length, head_dim).
     */
    public void load(Cache cache, float[][] keys, float[][] values, int length) {
        DecodingState s = own(cache);
        if (length > s.capacity) throw new IllegalArgumentException("prefill of " + length + " positions exceeds the cache's " + s.capacity);
        ModelConfig config = weights.config;
        int dim = config.headDim();
        for (int l = 0; l < config.layers(); l++) {
            for (int h = 0; h < config.kvHeads(); h++) {
                System.arraycopy(keys[l], h * length * dim, s.keys[l], h * s.capacity * dim, length * dim);
                System.arraycopy(values[l], h * length * dim, s.values[l], h * s.capacity * dim, length * dim);
            }
        }
        s.length = length;
    }

    /**
     * Runs {@code token} at the cache's next position and returns the logits for the token after it.
     *
     * <p>NOTE: the returned array is the cache's own buffer: the next step on the same cache overwrites it.
     * Copy it to keep it.
     */
    public float[] step(Cache cache, int token) {
        DecodingState s = own(cache);
        if (s.length >= s.capacity) throw new IllegalStateException("KV cache full: " + s.capacity + " positions");
        if (token < 0 || token >= weights.config.vocabSize()) throw new IllegalArgumentException("token id " + token + " outside the vocabulary");
        return Forward.step(weights, s, kernels, token);
    }

    private DecodingState own(Cache cache) {
        if (cache.owner != this) throw new IllegalArgumentException("the cache belongs to another decoder: make it with this one's newCache");
        return cache.state;
    }

    @Override
    public String toString() {
        return "VectorDecoder[" + weights.precision + ", " + arithmetic() + ", " + weights.bytes() / (1 << 20) + " MB]";
    }
}
