package io.knowhow.tune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.SparseFormat;
import io.knowhow.tune.safetensors.SafetensorsFile;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs a Llama-family decoder: the forward pass (optionally through a LoRA adapter and a KV cache), the
 * output logits and the training loss.
 *
 * <p>The equations, as transformers' {@code LlamaForCausalLM} / {@code Qwen2ForCausalLM} compute them:
 * <pre>
 * x = embed[ids]                                                   (B, T, hidden)
 * per layer:
 *   h = rmsnorm(x) * input_norm            rmsnorm(x) = x / sqrt(mean(x²) + eps)
 *   q, k, v = h·Wqᵀ (+bq), h·Wkᵀ (+bk), h·Wvᵀ (+bv)   split into heads; RoPE on q and k (rotate-half form)
 *   a = softmax(q·kᵀ / sqrt(head_dim) + causal mask) · v           query head j reads kv head j / group
 *   x = x + a·Woᵀ (+bo)
 *   h = rmsnorm(x) * post_norm
 *   x = x + (silu(h·Wgᵀ) ⊙ h·Wuᵀ)·Wdᵀ
 * hidden = rmsnorm(x) * final_norm;  logits = hidden · lm_headᵀ
 * </pre>
 * With LoRA every targeted projection adds {@code scaling · B·A·dropout(input)}.
 *
 * <p>Every intermediate array belongs to the manager of the {@code ids} array passed in: callers open
 * a sub-manager per step, make the ids in it and close it afterwards, and nothing accumulates in the
 * model's own manager. Instances are safe to share for concurrent forwards without a cache; a
 * {@link KvCache} belongs to one generation.
 */
public final class DecoderModel implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final DecoderWeights weights;
    private final NDArray ropeCos;   // (context, head_dim)
    private final NDArray ropeSin;   // (context, head_dim)
    private final NDArray eps;       // () rms_norm_eps
    private final NDArray attnScale; // () 1 / sqrt(head_dim)

    private DecoderModel(ModelConfig config, DecoderWeights weights, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.weights = weights;
        // Scalars live as arrays of the model's manager for as long as the model: see Torch.
        this.eps = Torch.scalar(manager, (float) config.rmsNormEps());
        this.attnScale = Torch.scalar(manager, (float) (1.0 / Math.sqrt(config.headDim())));
        int context = config.contextLength();
        int dim = config.headDim();
        int half = dim / 2;
        float[] inv = config.ropeScaling().inverseFrequencies(dim, config.ropeTheta());
        float[] cos = new float[context * dim];
        float[] sin = new float[context * dim];
        for (int pos = 0; pos < context; pos++) {
            for (int i = 0; i < half; i++) {
                float angle = pos * inv[i]; // f32 product, as transformers computes it
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                cos[pos * dim + i] = c;
                cos[pos * dim + i + half] = c;
                sin[pos * dim + i] = s;
                sin[pos * dim + i + half] = s;
            }
        }
        this.ropeCos = Torch.floats(manager, cos, context, dim);
        this.ropeSin = Torch.floats(manager, sin, context, dim);
    }

    /**
     * Loads the model in {@code modelDir} (config.json + safetensors) as f32.
     *
     * @throws ModelLoadException naming the path when the directory is missing, incomplete or unsupported
     */
    public static DecoderModel load(Path modelDir) {
        ModelFiles files = ModelFiles.locate(modelDir);
        ModelConfig config = ModelConfig.read(modelDir);
        NDManager manager = Torch.newManager();
        Map<String, SafetensorsFile> tensors = files.openWeights();
        try {
            return new DecoderModel(config, DecoderWeights.load(config, tensors, manager), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            tensors.values().stream().distinct().forEach(SafetensorsFile::close);
        }
    }

    /** A model of {@code config}'s shape with random weights (see {@link DecoderWeights#random}). */
    public static DecoderModel random(ModelConfig config, long seed) {
        NDManager manager = Torch.newManager();
        return new DecoderModel(config, DecoderWeights.random(config, manager, seed), manager);
    }

    public ModelConfig config() {
        return config;
    }

    public DecoderWeights weights() {
        return weights;
    }

    /** The manager that owns the weights; adapters and optimizer state for this model live under it. */
    public NDManager manager() {
        return manager;
    }

    /**
     * The final hidden states (after the last norm) for {@code ids} (batch, T) int64, (batch, T, hidden).
     *
     * @param cache    keys and values of earlier positions, extended by this call; null to start at
     *                 position 0 and keep nothing
     * @param lora     adapter to apply, or null
     * @param training whether LoRA dropout is active
     */
    public NDArray forward(NDArray ids, KvCache cache, LoraWeights lora, boolean training) {
        NDManager scope = ids.getManager();
        long batch = ids.getShape().get(0);
        int t = Math.toIntExact(ids.getShape().get(1));
        int past = cache == null ? 0 : cache.length();
        if (past + t > config.contextLength())
            throw new IllegalArgumentException("sequence of " + (past + t) + " tokens exceeds the model's context of "
                    + config.contextLength());
        int heads = config.heads(), kvHeads = config.kvHeads(), dim = config.headDim();
        NDArray cos = ropeCos.get(scope, new NDIndex("{}:{}", past, past + t)); // (T, head_dim)
        NDArray sin = ropeSin.get(scope, new NDIndex("{}:{}", past, past + t)); // (T, head_dim)
        int window = config.slidingWindow();
        boolean windowed = window > 0 && past + t > window;
        NDArray mask = t > 1 || windowed ? causalMask(scope, t, past, window) : null; // (T, past + T)

        NDArray x = ids.getNDArrayInternal().embedding(ids, weights.embed(), SparseFormat.DENSE).singletonOrThrow();
        for (int l = 0; l < config.layers(); l++) {
            DecoderWeights.Layer w = weights.layer(l);
            NDArray h = rmsNorm(x, w.inputNorm());
            NDArray q = project(h, l, Projection.Q_PROJ, w, lora, training).reshape(batch, t, heads, dim).transpose(0, 2, 1, 3);
            NDArray k = project(h, l, Projection.K_PROJ, w, lora, training).reshape(batch, t, kvHeads, dim).transpose(0, 2, 1, 3);
            NDArray v = project(h, l, Projection.V_PROJ, w, lora, training).reshape(batch, t, kvHeads, dim).transpose(0, 2, 1, 3);
            q = rope(q, cos, sin, dim);
            k = rope(k, cos, sin, dim);
            if (cache != null) {
                NDArray[] kv = cache.append(l, k, v, scope);
                k = kv[0];
                v = kv[1];
            }
            NDArray attended = attention(q, k, v, mask, batch, t);
            x = x.add(project(attended, l, Projection.O_PROJ, w, lora, training));
            h = rmsNorm(x, w.postNorm());
            NDArray gate = project(h, l, Projection.GATE_PROJ, w, lora, training);
            NDArray up = project(h, l, Projection.UP_PROJ, w, lora, training);
            NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up); // silu(gate) ⊙ up
            x = x.add(project(act, l, Projection.DOWN_PROJ, w, lora, training));
        }
        if (cache != null) cache.advance(t);
        return rmsNorm(x, weights.finalNorm());
    }

    /** Logits (…, vocab) for hidden states (…, hidden). */
    public NDArray logits(NDArray hidden) {
        return hidden.getNDArrayInternal().linear(hidden, weights.lmHead(), null).singletonOrThrow();
    }

    /**
     * The mean cross-entropy of the batch's target tokens and how many there were. Logits are computed
     * only at the positions that predict a target (on instruction data most positions are prompt, and the
     * output head is a large share of the model's work).
     *
     * @param scope manager that receives every intermediate, the loss included
     */
    public Loss loss(TrainingBatch batch, LoraWeights lora, boolean training, NDManager scope) {
        int rows = batch.size(), t = batch.maxLength();
        long[] ids = new long[rows * t]; // right padding with id 0: the causal mask keeps real positions from seeing it
        int m = batch.targetCount();
        if (m == 0) throw new IllegalArgumentException("the batch has no target tokens");
        long[] positions = new long[m];
        long[] labels = new long[m];
        int n = 0;
        for (int b = 0; b < rows; b++) {
            int[] seq = batch.tokens()[b];
            for (int i = 0; i < seq.length; i++) ids[b * t + i] = seq[i];
            for (int i = 1; i < seq.length; i++) {
                if (!batch.targets()[b][i]) continue;
                positions[n] = (long) b * t + i - 1;
                labels[n++] = seq[i];
            }
        }
        NDArray hidden = forward(Torch.longs(scope, ids, rows, t), null, lora, training);           // (B, T, hidden)
        NDArray picked = hidden.reshape(rows * (long) t, config.hiddenSize())
                .get(new NDIndex("{}", Torch.longs(scope, positions, m)));                         // (M, hidden)
        NDArray logProbs = logits(picked).logSoftmax(-1);                                         // (M, vocab)
        NDArray nll = logProbs.gather(Torch.longs(scope, labels, m, 1), 1).sum().neg();           // ()
        return new Loss(nll.div(Torch.scalar(scope, m)), m);
    }

    /**
     * A loss value and the number of tokens averaged.
     *
     * @param mean   () mean negative log-likelihood per target token
     * @param tokens target tokens in the batch
     */
    public record Loss(NDArray mean, int tokens) {}

    /**
     * Adds an adapter's update to the weights in place, {@code W += scaling · B·A}, so that generation
     * runs at the base model's speed. Irreversible for this instance.
     */
    public void mergeLora(LoraWeights lora) {
        boolean grad = Torch.gradMode();
        Torch.gradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            for (int l = 0; l < config.layers(); l++) {
                for (Projection p : lora.config().targets()) {
                    LoraWeights.Pair pair = lora.pair(l, p);
                    NDArray delta = pair.b().matMul(pair.a()); // (out, in), attached to B's manager until moved
                    delta.attach(scope);
                    weights.layer(l).weight(p).addi(delta.mul(lora.scaling()));
                }
            }
        } finally {
            Torch.gradMode(grad);
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray project(NDArray x, int layer, Projection p, DecoderWeights.Layer w, LoraWeights lora, boolean training) {
        NDArray y = x.getNDArrayInternal().linear(x, w.weight(p), w.bias(p)).singletonOrThrow();
        if (lora != null) {
            NDArray d = lora.delta(layer, p, x, training);
            if (d != null) y = y.add(d);
        }
        return y;
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.div(meanSquare.add(eps).sqrt()).mul(weight);
    }

    /** RoPE in transformers' rotate-half form: x·cos + (−x₂, x₁)·sin. x is (B, heads, T, head_dim). */
    private static NDArray rope(NDArray x, NDArray cos, NDArray sin, int dim) {
        int half = dim / 2;
        NDArray x1 = x.get(new NDIndex(":, :, :, :{}", half));
        NDArray x2 = x.get(new NDIndex(":, :, :, {}:", half));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /**
     * Grouped-query attention without copying keys and values per query head: the query heads that share
     * a kv head are stacked along the sequence axis, (B, kv_heads, group·T, head_dim), so one batched matmul
     * serves the group.
     */
    private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, long batch, int t) {
        int kvHeads = config.kvHeads(), group = config.groupSize(), dim = config.headDim();
        long s = k.getShape().get(2);
        NDArray grouped = q.reshape(batch, kvHeads, (long) group * t, dim);
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).mul(attnScale); // (B, kv, group·T, S)
        if (mask != null)
            scores = scores.reshape(batch, kvHeads, group, t, s).add(mask).reshape(batch, kvHeads, (long) group * t, s);
        NDArray out = scores.softmax(-1).matMul(v);                              // (B, kv, group·T, head_dim)
        return out.reshape(batch, config.heads(), t, dim).transpose(0, 2, 1, 3).reshape(batch, t, (long) config.heads() * dim);
    }

    /**
     * Additive mask (T, past+T): 0 where query i may see key j — j ≤ past + i, and with a sliding window
     * also j > past + i − window — and −∞ elsewhere.
     */
    private static NDArray causalMask(NDManager scope, int t, int past, int window) {
        int s = past + t;
        float[] m = new float[t * s];
        for (int i = 0; i < t; i++) {
            int position = past + i;
            for (int j = 0; j < s; j++)
                if (j > position || (window > 0 && j <= position - window)) m[i * s + j] = Float.NEGATIVE_INFINITY;
        }
        return Torch.floats(scope, m, t, s);
    }
}
