package io.knowhow.tuneencoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.knowhow.tune.model.Torch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A LoRA adapter on a BERT encoder's linear layers: each targeted projection {@code y = x·Wᵀ + b} gains
 * {@code scaling · (x·Aᵀ)·Bᵀ}, with {@code A} (rank, in) and {@code B} (out, rank), {@code scaling = alpha / rank}.
 * {@code B} starts at zero, so a new adapter leaves the encoder unchanged; {@code A} starts
 * Kaiming-uniform as in PEFT.
 *
 * <p>Arrays are named as PEFT names them, {@code encoder.layer.L.attention.self.query.lora_A.weight}.
 * No LoRA dropout: runs stay deterministic and resumable without reseeding a dropout mask per step.
 */
public final class EncoderLora {
    /** The attention projections: query, key, value and the attention output. */
    public static final List<String> ATTENTION = List.of("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense");

    private final int rank;
    private final double alpha;
    private final Set<String> targets;
    private final Map<String, NDArray> named; // module path → A then B, under PEFT names
    private final NDArray scaling;            // () alpha / rank

    private EncoderLora(int rank, double alpha, Set<String> targets, Map<String, NDArray> named, NDManager manager) {
        this.rank = rank;
        this.alpha = alpha;
        this.targets = Set.copyOf(targets);
        this.named = Collections.unmodifiableMap(named);
        this.scaling = Torch.scalar(manager, (float) (alpha / rank));
    }

    /** PEFT name of {@code A} of module {@code module} in layer {@code layer}. */
    public static String nameA(int layer, String module) {
        return "encoder.layer." + layer + "." + module + ".lora_A.weight";
    }

    /** PEFT name of {@code B}. */
    public static String nameB(int layer, String module) {
        return "encoder.layer." + layer + "." + module + ".lora_B.weight";
    }

    /**
     * A new adapter: A Kaiming-uniform from {@code seed}, B zero.
     *
     * @param targets module paths within a layer, e.g. {@link #ATTENTION}
     */
    public static EncoderLora init(EncoderConfig config, int rank, double alpha, List<String> targets, NDManager manager, long seed) {
        validate(config, rank, alpha, targets);
        Random random = new Random(seed);
        Map<String, NDArray> named = new LinkedHashMap<>();
        int in = config.hiddenSize();
        double bound = 1.0 / Math.sqrt(in); // kaiming_uniform_(a=√5) on (rank, in): U(−1/√in, 1/√in)
        for (int l = 0; l < config.layers(); l++) {
            for (String m : targets) {
                float[] a = new float[rank * in];
                for (int i = 0; i < a.length; i++) a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                named.put(nameA(l, m), Torch.floats(manager, a, rank, in));
                named.put(nameB(l, m), manager.zeros(new ai.djl.ndarray.types.Shape(outFeatures(config, m), rank)));
            }
        }
        return new EncoderLora(rank, alpha, new java.util.LinkedHashSet<>(targets), named, manager);
    }

    /**
     * An adapter from saved values (see {@link #named()}).
     *
     * @throws IllegalArgumentException naming the array when one is missing or misshapen
     */
    public static EncoderLora of(EncoderConfig config, int rank, double alpha, List<String> targets, Map<String, float[]> values,
                                 NDManager manager) {
        validate(config, rank, alpha, targets);
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (int l = 0; l < config.layers(); l++) {
            for (String m : targets) {
                named.put(nameA(l, m), load(values, nameA(l, m), manager, rank, config.hiddenSize()));
                named.put(nameB(l, m), load(values, nameB(l, m), manager, outFeatures(config, m), rank));
            }
        }
        return new EncoderLora(rank, alpha, new java.util.LinkedHashSet<>(targets), named, manager);
    }

    private static NDArray load(Map<String, float[]> values, String name, NDManager manager, long rows, long cols) {
        float[] v = values.get(name);
        if (v == null || v.length != rows * cols)
            throw new IllegalArgumentException("LoRA adapter lacks " + name + " of shape (" + rows + ", " + cols + ")"
                    + (v == null ? "" : "; it has " + v.length + " values"));
        return Torch.floats(manager, v, rows, cols);
    }

    private static void validate(EncoderConfig config, int rank, double alpha, List<String> targets) {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        if (!(alpha > 0)) throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
        if (targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        for (String m : targets) outFeatures(config, m);
    }

    private static int outFeatures(EncoderConfig config, String module) {
        return switch (module) {
            case "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "output.dense" -> config.hiddenSize();
            case "intermediate.dense" -> config.intermediate();
            default -> throw new IllegalArgumentException("unknown LoRA target module '" + module + "'; known: attention.self.query, "
                    + "attention.self.key, attention.self.value, attention.output.dense, intermediate.dense, output.dense");
        };
    }

    public int rank() {
        return rank;
    }

    public double alpha() {
        return alpha;
    }

    public Set<String> targets() {
        return targets;
    }

    /** The trainable arrays under PEFT names. */
    public Map<String, NDArray> named() {
        return named;
    }

    /** The update {@code scaling · (x·Aᵀ)·Bᵀ} for module {@code module} of layer {@code layer}, or null if it is not a target. */
    NDArray delta(int layer, String module, NDArray x) {
        if (!targets.contains(module)) return null;
        NDArray a = named.get(nameA(layer, module)), b = named.get(nameB(layer, module));
        // x (…, in) · Aᵀ → (…, rank) · Bᵀ → (…, out); x is the receiver so the results join the step's manager.
        return x.matMul(a.transpose()).matMul(b.transpose()).mul(scaling);
    }

    /** Adapter parameters in total. */
    public long parameterCount() {
        return named.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
