package io.knowhow.tune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.knowhow.tune.safetensors.SafetensorsFile;
import io.knowhow.tune.safetensors.TensorInfo;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The f32 parameters of a decoder, each under its Hugging Face name, owned by one {@link NDManager}.
 *
 * <p>{@link #named()} lists every distinct array once (a tied output head is the embedding, so
 * {@code lm_head.weight} is not listed); that map is what the optimizer, checkpoints and the model
 * writer iterate.
 */
public final class DecoderWeights {
    /** Weights of one decoder layer; biases are {@code null} where the model has none. */
    public record Layer(
            NDArray inputNorm,  // (hidden)
            NDArray q,          // (heads * head_dim, hidden)
            NDArray qBias,      // (heads * head_dim)
            NDArray k,          // (kv_heads * head_dim, hidden)
            NDArray kBias,      // (kv_heads * head_dim)
            NDArray v,          // (kv_heads * head_dim, hidden)
            NDArray vBias,      // (kv_heads * head_dim)
            NDArray o,          // (hidden, heads * head_dim)
            NDArray oBias,      // (hidden)
            NDArray postNorm,   // (hidden)
            NDArray gate,       // (intermediate, hidden)
            NDArray gateBias,   // (intermediate)
            NDArray up,         // (intermediate, hidden)
            NDArray upBias,     // (intermediate)
            NDArray down,       // (hidden, intermediate)
            NDArray downBias) { // (hidden)

        /** The weight of projection {@code p}, (out_features, in_features). */
        public NDArray weight(Projection p) {
            return switch (p) {
                case Q_PROJ -> q;
                case K_PROJ -> k;
                case V_PROJ -> v;
                case O_PROJ -> o;
                case GATE_PROJ -> gate;
                case UP_PROJ -> up;
                case DOWN_PROJ -> down;
            };
        }

        /** The bias of projection {@code p}, (out_features), or null. */
        public NDArray bias(Projection p) {
            return switch (p) {
                case Q_PROJ -> qBias;
                case K_PROJ -> kBias;
                case V_PROJ -> vBias;
                case O_PROJ -> oBias;
                case GATE_PROJ -> gateBias;
                case UP_PROJ -> upBias;
                case DOWN_PROJ -> downBias;
            };
        }
    }

    private final ModelConfig config;
    private final NDArray embed;     // (vocab, hidden)
    private final NDArray finalNorm; // (hidden)
    private final NDArray lmHead;    // (vocab, hidden); the same array as embed when tied
    private final Layer[] layers;
    private final Map<String, NDArray> named;

    private DecoderWeights(ModelConfig config, Map<String, NDArray> named) {
        this.config = config;
        this.named = Collections.unmodifiableMap(named);
        this.embed = named.get("model.embed_tokens.weight");
        this.finalNorm = named.get("model.norm.weight");
        this.lmHead = config.tiedEmbeddings() ? embed : named.get("lm_head.weight");
        this.layers = new Layer[config.layers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(named.get(p + "input_layernorm.weight"),
                    named.get(Projection.Q_PROJ.path(i) + ".weight"), named.get(Projection.Q_PROJ.path(i) + ".bias"),
                    named.get(Projection.K_PROJ.path(i) + ".weight"), named.get(Projection.K_PROJ.path(i) + ".bias"),
                    named.get(Projection.V_PROJ.path(i) + ".weight"), named.get(Projection.V_PROJ.path(i) + ".bias"),
                    named.get(Projection.O_PROJ.path(i) + ".weight"), named.get(Projection.O_PROJ.path(i) + ".bias"),
                    named.get(p + "post_attention_layernorm.weight"),
                    named.get(Projection.GATE_PROJ.path(i) + ".weight"), named.get(Projection.GATE_PROJ.path(i) + ".bias"),
                    named.get(Projection.UP_PROJ.path(i) + ".weight"), named.get(Projection.UP_PROJ.path(i) + ".bias"),
                    named.get(Projection.DOWN_PROJ.path(i) + ".weight"), named.get(Projection.DOWN_PROJ.path(i) + ".bias"));
        }
    }

    /**
     * The Hugging Face name and shape of every parameter {@code config} implies, in the order
     * transformers writes them (a tied head omitted).
     */
    public static Map<String, long[]> expectedShapes(ModelConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.layers(); i++) {
            s.put("model.layers." + i + ".input_layernorm.weight", new long[] {h});
            for (Projection p : Projection.values()) {
                s.put(p.path(i) + ".weight", new long[] {p.outFeatures(c), p.inFeatures(c)});
                if (p.hasBias(c)) s.put(p.path(i) + ".bias", new long[] {p.outFeatures(c)});
            }
            s.put("model.layers." + i + ".post_attention_layernorm.weight", new long[] {h});
        }
        s.put("model.norm.weight", new long[] {h});
        if (!c.tiedEmbeddings()) s.put("lm_head.weight", new long[] {c.vocabSize(), h});
        return s;
    }

    /**
     * Loads every parameter from {@code files} (tensor name → file) as f32 into {@code manager}.
     *
     * @throws ModelLoadException naming the file and tensor when one is missing or has the wrong shape
     */
    public static DecoderWeights load(ModelConfig config, Map<String, SafetensorsFile> files, NDManager manager) {
        Map<String, NDArray> named = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
                String name = e.getKey();
                SafetensorsFile file = files.get(name);
                if (file == null && name.equals("lm_head.weight") && files.containsKey("model.embed_tokens.weight")) {
                    // Some exports leave tie_word_embeddings unset yet store no head: the head is the embedding.
                    file = files.get("model.embed_tokens.weight");
                    name = "model.embed_tokens.weight";
                }
                if (file == null)
                    throw new ModelLoadException("Weights of " + config.family().modelType() + " model lack tensor '" + e.getKey()
                            + "' (looked in " + files.values().stream().map(f -> f.path().toString()).distinct().toList() + ")");
                TensorInfo info = file.info(name);
                if (!Arrays.equals(info.shape(), e.getValue()))
                    throw new ModelLoadException(file.path() + ": tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                            + ", config.json implies " + Arrays.toString(e.getValue()));
                // f32() converts bf16/f16 in Java: a BF16 array in DJL's PyTorch engine aborts the JVM.
                named.put(e.getKey(), Torch.floats(manager, file.f32(name), e.getValue()));
            }
        } catch (RuntimeException ex) {
            named.values().forEach(NDArray::close);
            throw ex;
        }
        return new DecoderWeights(config, named);
    }

    /**
     * Random weights (normal, standard deviation 0.02; norms at 1) drawn by libtorch's generator after
     * seeding it with {@code seed}: for benchmarks and tests that need a model of a given shape.
     */
    public static DecoderWeights random(ModelConfig config, NDManager manager, long seed) {
        Torch.seed(seed);
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = new Shape(e.getValue());
            NDArray a = name.endsWith("norm.weight") ? manager.ones(shape, DataType.FLOAT32)
                    : name.endsWith(".bias") ? manager.zeros(shape, DataType.FLOAT32)
                    : manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
            named.put(name, a);
        }
        return new DecoderWeights(config, named);
    }

    /** Wraps arrays already named and shaped as {@link #expectedShapes} says (checkpoints, tests). */
    public static DecoderWeights of(ModelConfig config, Map<String, NDArray> named) {
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            NDArray a = named.get(e.getKey());
            if (a == null) throw new IllegalArgumentException("missing parameter " + e.getKey());
            if (!Arrays.equals(a.getShape().getShape(), e.getValue()))
                throw new IllegalArgumentException(e.getKey() + " has shape " + a.getShape() + ", expected " + Arrays.toString(e.getValue()));
        }
        return new DecoderWeights(config, new LinkedHashMap<>(named));
    }

    public ModelConfig config() {
        return config;
    }

    public NDArray embed() {
        return embed;
    }

    public NDArray finalNorm() {
        return finalNorm;
    }

    public NDArray lmHead() {
        return lmHead;
    }

    public Layer layer(int i) {
        return layers[i];
    }

    /** Every distinct parameter under its Hugging Face name, in file order. */
    public Map<String, NDArray> named() {
        return named;
    }

    /** Total number of parameters. */
    public long parameterCount() {
        return named.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
