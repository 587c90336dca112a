package io.knowhow.tune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the positions already processed, per layer, so that decoding one more token
 * costs one position's work instead of the whole sequence's.
 *
 * <p>Preallocated to {@code capacity} positions and filled in place: growing by concatenation would
 * copy the whole cache at every token.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;   // per layer: (batch, kv_heads, capacity, head_dim)
    private final NDArray[] values; // per layer: (batch, kv_heads, capacity, head_dim)
    private final int capacity;
    private int length;

    /** An empty cache for {@code batch} sequences of up to {@code capacity} positions. */
    public KvCache(ModelConfig config, int batch, int capacity, NDManager parent) {
        if (capacity < 1 || capacity > config.contextLength())
            throw new IllegalArgumentException("cache capacity must be between 1 and the model's context length "
                    + config.contextLength() + ", got " + capacity);
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
        Shape shape = new Shape(batch, config.kvHeads(), capacity, config.headDim());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(shape, DataType.FLOAT32);
            values[i] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    /** Positions stored so far. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Stores layer {@code layer}'s keys and values (batch, kv_heads, T, head_dim) for positions
     * {@code length() .. length()+T-1} and returns all keys and values so far, (batch, kv_heads, length()+T,
     * head_dim), as arrays of {@code scope}.
     */
    NDArray[] append(int layer, NDArray k, NDArray v, NDManager scope) {
        int t = Math.toIntExact(k.getShape().get(2));
        int end = length + t;
        if (end > capacity)
            throw new IllegalStateException("KV cache full: " + capacity + " positions, " + end + " needed");
        NDIndex slot = new NDIndex(":, :, {}:{}", length, end);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex upTo = new NDIndex(":, :, :{}", end);
        return new NDArray[] {keys[layer].get(scope, upTo), values[layer].get(scope, upTo)};
    }

    /**
     * Layer {@code layer}'s stored keys (or values) of the first sequence, laid out (kv_heads, length(), head_dim),
     * for a decoder that goes on from here outside libtorch.
     */
    public float[] copy(int layer, boolean ofKeys) {
        try (NDManager scope = manager.newSubManager()) {
            return (ofKeys ? keys : values)[layer].get(scope, new NDIndex("0, :, :{}", length)).toFloatArray();
        }
    }

    /** Marks {@code t} more positions as stored, once every layer has appended them. */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
