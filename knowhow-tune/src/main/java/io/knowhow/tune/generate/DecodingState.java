package io.knowhow.tune.generate;

import io.knowhow.tune.model.ModelConfig;

/**
 * One generation's keys and values and every buffer a decoding step writes, allocated once for the
 * cache's capacity, so a step allocates nothing. Shapes in comments. Used by one thread at a time.
 */
final class DecodingState {
    final int capacity;
    int length;                  // positions filled
    final float[][] keys;        // (layer, kv_heads, capacity, head_dim), as KvCache lays them out for batch 1
    final float[][] values;      // (layer, kv_heads, capacity, head_dim)
    final float[] x;             // (hidden): the residual stream
    final float[] h;             // (hidden): x normalised, input of the projections
    final float[] q;             // (heads * head_dim)
    final float[] k;             // (kv_heads * head_dim)
    final float[] v;             // (kv_heads * head_dim)
    final float[] attended;      // (heads * head_dim): attention output before o_proj
    final float[] projected;     // (hidden): o_proj or down_proj output before the residual add
    final float[] gate;          // (intermediate): silu(gate) ⊙ up, in place
    final float[] up;            // (intermediate)
    final float[] cos;           // (head_dim / 2): RoPE at the current position
    final float[] sin;           // (head_dim / 2)
    final float[] scores;        // (heads, capacity): attention weights of the current position
    final float[] logits;        // (vocab): the step's result, overwritten by the next step
    final Forward.Matvec matvec; // the job that spreads matrix rows over cores
    final Forward.Attend attend; // the job that spreads heads over cores

    DecodingState(ModelConfig c, int capacity) {
        if (capacity < 1 || capacity > c.contextLength())
            throw new IllegalArgumentException("cache capacity must be between 1 and the model's context length "
                    + c.contextLength() + ", got " + capacity);
        this.capacity = capacity;
        int dim = c.headDim();
        int cacheSize = c.kvHeads() * capacity * dim;
        keys = new float[c.layers()][cacheSize];
        values = new float[c.layers()][cacheSize];
        x = new float[c.hiddenSize()];
        h = new float[c.hiddenSize()];
        q = new float[c.heads() * dim];
        k = new float[c.kvHeads() * dim];
        v = new float[c.kvHeads() * dim];
        attended = new float[c.heads() * dim];
        projected = new float[c.hiddenSize()];
        gate = new float[c.intermediateSize()];
        up = new float[c.intermediateSize()];
        cos = new float[dim / 2];
        sin = new float[dim / 2];
        scores = new float[c.heads() * capacity];
        logits = new float[c.vocabSize()];
        CoreSplit cores = new CoreSplit();
        matvec = new Forward.Matvec(cores);
        attend = new Forward.Attend(cores, c, this);
    }
}
