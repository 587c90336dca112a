package io.knowhow.tune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable matrices of a LoRA adapter: for each targeted projection of each layer, {@code A}
 * (r, in_features) and {@code B} (out_features, r), so that the projection computes
 * {@code W·x + scaling · B·(A·dropout(x))}.
 *
 * <p>Names follow PEFT's saved form, {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight},
 * so an adapter written here loads in Python and one trained there loads here.
 */
public final class LoraWeights implements AutoCloseable {
    /** PEFT's prefix in front of the base model's module path. */
    public static final String PEFT_PREFIX = "base_model.model.";

    /** One adapter pair. */
    public record Pair(
            NDArray a,   // (rank, in_features)
            NDArray b) { // (out_features, rank)
    }

    private final LoraConfig config;
    private final NDArray scaling;  // () alpha / r, kept as an array: see Torch on scalars
    private final Map<Projection, Pair>[] pairs; // per layer
    private final Map<String, NDArray> named;

    @SuppressWarnings("unchecked")
    private LoraWeights(LoraConfig config, int layers, Map<String, NDArray> named, NDManager manager) {
        this.config = config;
        this.named = Collections.unmodifiableMap(named);
        this.scaling = Torch.scalar(manager, (float) config.scaling());
        this.pairs = new Map[layers];
        for (int i = 0; i < layers; i++) {
            Map<Projection, Pair> m = new EnumMap<>(Projection.class);
            for (Projection p : config.targets()) m.put(p, new Pair(named.get(nameA(i, p)), named.get(nameB(i, p))));
            pairs[i] = m;
        }
    }

    /** The PEFT name of layer {@code layer}'s {@code A} matrix for {@code p}. */
    public static String nameA(int layer, Projection p) {
        return PEFT_PREFIX + p.path(layer) + ".lora_A.weight";
    }

    /** The PEFT name of layer {@code layer}'s {@code B} matrix for {@code p}. */
    public static String nameB(int layer, Projection p) {
        return PEFT_PREFIX + p.path(layer) + ".lora_B.weight";
    }

    /** Name and shape of every matrix an adapter of {@code lora} on {@code model} holds, A before B. */
    public static Map<String, long[]> expectedShapes(ModelConfig model, LoraConfig lora) {
        Map<String, long[]> s = new LinkedHashMap<>();
        for (int i = 0; i < model.layers(); i++)
            for (Projection p : Projection.values()) {
                if (!lora.targets().contains(p)) continue;
                s.put(nameA(i, p), new long[] {lora.rank(), p.inFeatures(model)});
                s.put(nameB(i, p), new long[] {p.outFeatures(model), lora.rank()});
            }
        return s;
    }

    /**
     * A fresh adapter as PEFT initialises one: {@code A} uniform in ±1/sqrt(in_features) (Kaiming
     * uniform with a = sqrt(5)), {@code B} zero, so training starts from the base model exactly.
     * Drawn with Java's generator from {@code seed}, independent of the engine.
     */
    public static LoraWeights init(ModelConfig model, LoraConfig lora, NDManager manager, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(model, lora).entrySet()) {
            long[] shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
            if (e.getKey().endsWith("lora_A.weight")) {
                double bound = 1 / Math.sqrt(shape[1]);
                for (int j = 0; j < values.length; j++) values[j] = (float) random.nextDouble(-bound, bound);
            }
            named.put(e.getKey(), Torch.floats(manager, values, shape));
        }
        return new LoraWeights(lora, model.layers(), named, manager);
    }

    /**
     * Wraps arrays named and shaped as {@link #expectedShapes} says (adapters read from disk).
     *
     * @throws IllegalArgumentException naming the first missing or misshapen matrix
     */
    public static LoraWeights of(ModelConfig model, LoraConfig lora, Map<String, NDArray> arrays, NDManager manager) {
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(model, lora).entrySet()) {
            NDArray a = arrays.get(e.getKey());
            if (a == null) throw new IllegalArgumentException("missing " + e.getKey());
            if (!Arrays.equals(a.getShape().getShape(), e.getValue()))
                throw new IllegalArgumentException(e.getKey() + " has shape " + a.getShape() + ", expected " + Arrays.toString(e.getValue()));
            named.put(e.getKey(), a);
        }
        return new LoraWeights(lora, model.layers(), named, manager);
    }

    public LoraConfig config() {
        return config;
    }

    /** Every matrix under its PEFT name. */
    public Map<String, NDArray> named() {
        return named;
    }

    /** The pair on layer {@code layer}'s projection {@code p}, or null when it is not targeted. */
    public Pair pair(int layer, Projection p) {
        return pairs[layer].get(p);
    }

    /** The (), alpha / r array the updates are multiplied by. */
    public NDArray scaling() {
        return scaling;
    }

    /** Frees the adapter's arrays (after merging it, say); the model's manager would free them at its close. */
    @Override
    public void close() {
        named.values().forEach(NDArray::close);
        scaling.close();
    }

    /** Number of trainable values. */
    public long parameterCount() {
        return named.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /**
     * The adapter's contribution for input {@code x} (…, in_features): {@code scaling · B·(A·dropout(x))},
     * (…, out_features), or null when {@code p} is not targeted. Dropout only when {@code training}.
     */
    public NDArray delta(int layer, Projection p, NDArray x, boolean training) {
        Pair pair = pairs[layer].get(p);
        if (pair == null) return null;
        NDArray in = training && config.dropout() > 0
                ? x.getNDArrayInternal().dropout(x, (float) config.dropout(), true).singletonOrThrow()
                : x;
        NDArray down = in.getNDArrayInternal().linear(in, pair.a(), null).singletonOrThrow();
        NDArray up = down.getNDArrayInternal().linear(down, pair.b(), null).singletonOrThrow();
        return up.mul(scaling);
    }
}
