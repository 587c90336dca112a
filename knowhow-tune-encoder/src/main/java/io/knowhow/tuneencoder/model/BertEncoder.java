package io.knowhow.tuneencoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.knowhow.tune.model.Torch;

/**
 * Runs a BERT encoder: the forward pass to the last hidden states, optionally through a LoRA adapter, and
 * mean pooling to a sentence vector, as transformers' {@code BertModel} and sentence-transformers'
 * {@code Pooling(mean)} compute them.
 * <pre>
 * x = LN(word[ids] + position[0..T) + token_type[0])                  (B, T, hidden)
 * per layer:
 *   q, k, v = x·Wqᵀ+bq, x·Wkᵀ+bk, x·Wvᵀ+bv   split into heads          (B, heads, T, head_dim)
 *   a = softmax(q·kᵀ / sqrt(head_dim) + padding mask) · v
 *   x = LN(x + a·Woᵀ + bo)
 *   x = LN(x + gelu(x·Wiᵀ + bi)·Wdᵀ + bd)                              gelu with erf, not tanh
 * pooled = Σ_t mask·x / Σ_t mask                                        (B, hidden)
 * </pre>
 * No dropout: fine-tuning here runs few steps on small data, and without dropout a step depends only
 * on its batch, which keeps resumed runs identical.
 *
 * <p>Every intermediate belongs to the manager of the {@code ids} array (see {@link Torch}): callers
 * make the batch in a per-step sub-manager and close it after. Safe for concurrent forwards.
 */
public final class BertEncoder implements AutoCloseable {
    private final EncoderConfig config;
    private final EncoderWeights weights;
    private final NDManager manager;
    private final NDArray attnScale; // () 1 / sqrt(head_dim)
    private final NDArray maskFill;  // () additive score for padded keys

    public BertEncoder(EncoderWeights weights, NDManager manager) {
        this.config = weights.config();
        this.weights = weights;
        this.manager = manager;
        // Scalars live as arrays for as long as the model (see Torch): a Java number in a differentiable op
        // becomes a temporary that autograd may read after it is freed.
        this.attnScale = Torch.scalar(manager, (float) (1.0 / Math.sqrt(config.headDim())));
        this.maskFill = Torch.scalar(manager, -1e9f);
    }

    public EncoderConfig config() {
        return config;
    }

    public EncoderWeights weights() {
        return weights;
    }

    /** The manager that owns the weights; adapters, heads and optimizer state live under it. */
    public NDManager manager() {
        return manager;
    }

    /**
     * The last hidden states (B, T, hidden).
     *
     * @param ids  (B, T) int64 token ids, right-padded
     * @param mask (B, T) f32, 1 for real tokens and 0 for padding
     * @param lora adapter to apply, or null
     */
    public NDArray forward(NDArray ids, NDArray mask, EncoderLora lora) {
        long batch = ids.getShape().get(0);
        int t = Math.toIntExact(ids.getShape().get(1));
        if (t > config.maxPositions())
            throw new IllegalArgumentException("sequence of " + t + " tokens exceeds the encoder's " + config.maxPositions() + " positions");
        int heads = config.heads(), dim = config.headDim(), hidden = config.hiddenSize();
        NDManager scope = ids.getManager();

        NDArray words = ids.getNDArrayInternal().embedding(ids, weights.get("embeddings.word_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow();                                                                     // (B, T, hidden)
        NDArray positions = weights.get("embeddings.position_embeddings.weight").get(scope, new NDIndex("0:{}", t)); // (T, hidden)
        NDArray type0 = weights.get("embeddings.token_type_embeddings.weight").get(scope, new NDIndex("0"));         // (hidden)
        NDArray x = layerNorm(words.add(positions).add(type0), "embeddings.LayerNorm");
        // (B, 1, 1, T): 0 for real keys, a large negative number for padded ones.
        NDArray keyMask = mask.eq(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul(maskFill).reshape(batch, 1, 1, t);

        for (int l = 0; l < config.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            NDArray q = linear(x, l, "attention.self.query", lora).reshape(batch, t, heads, dim).transpose(0, 2, 1, 3);
            NDArray k = linear(x, l, "attention.self.key", lora).reshape(batch, t, heads, dim).transpose(0, 2, 1, 3);
            NDArray v = linear(x, l, "attention.self.value", lora).reshape(batch, t, heads, dim).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(attnScale).add(keyMask);   // (B, heads, T, T)
            NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, t, hidden);
            x = layerNorm(x.add(linear(attended, l, "attention.output.dense", lora)), p + "attention.output.LayerNorm");
            NDArray inner = linear(x, l, "intermediate.dense", lora);                          // (B, T, intermediate)
            inner = inner.getNDArrayInternal().gelu();
            x = layerNorm(x.add(linear(inner, l, "output.dense", lora)), p + "output.LayerNorm");
        }
        return x;
    }

    /**
     * Mean of the hidden states over real tokens (B, hidden).
     *
     * @param hidden (B, T, hidden)
     * @param mask   (B, T) f32
     */
    public static NDArray meanPool(NDArray hidden, NDArray mask) {
        NDArray m = mask.expandDims(-1);                                   // (B, T, 1)
        return hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1})); // (B, hidden) / (B, 1)
    }

    /** Rows scaled to unit L2 norm (B, hidden); not for differentiable paths (uses a Java scalar). */
    public static NDArray normalize(NDArray pooled) {
        return pooled.div(pooled.norm(new int[] {-1}, true).maximum(1e-12f));
    }

    private NDArray linear(NDArray x, int layer, String module, EncoderLora lora) {
        String p = "encoder.layer." + layer + "." + module;
        NDArray y = x.getNDArrayInternal().linear(x, weights.get(p + ".weight"), weights.get(p + ".bias")).singletonOrThrow();
        if (lora != null) {
            NDArray d = lora.delta(layer, module, x);
            if (d != null) y = y.add(d);
        }
        return y;
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        // eps is passed to libtorch as a primitive, not as a tensor: no temporary array is made.
        return x.getNDArrayInternal().layerNorm(x, new Shape(config.hiddenSize()), weights.get(prefix + ".weight"),
                weights.get(prefix + ".bias"), (float) config.layerNormEps()).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
