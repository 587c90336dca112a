package io.knowhow.tune.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a decoder, read from a Hugging Face {@code config.json}.
 *
 * @param family            which member of the Llama family
 * @param vocabSize         rows of the embedding and the output head
 * @param hiddenSize        width of the residual stream
 * @param intermediateSize  width of the MLP's hidden layer
 * @param layers            number of decoder layers
 * @param heads             query heads
 * @param kvHeads           key/value heads (grouped-query attention when fewer than {@code heads})
 * @param headDim           width of one head
 * @param rmsNormEps        the epsilon inside RMSNorm's square root
 * @param ropeTheta         RoPE base frequency
 * @param ropeScaling       RoPE frequency scaling, {@link RopeScaling#NONE} when absent
 * @param maxPositions      {@code max_position_embeddings}
 * @param tiedEmbeddings    the output head reuses the input embedding
 * @param qkvBias           the q, k and v projections have biases (Qwen2, or Llama with attention_bias)
 * @param oBias             the output projection has a bias (Llama with attention_bias)
 * @param mlpBias           the MLP projections have biases (Llama with mlp_bias)
 * @param bosTokenId        beginning-of-sequence token, -1 when not given
 * @param eosTokenIds       end-of-sequence tokens (config may list several)
 * @param raw               the parsed file, kept so a merged model writes it back with all its fields
 */
public record ModelConfig(Family family, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
                          int kvHeads, int headDim, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          int maxPositions, boolean tiedEmbeddings, boolean qkvBias, boolean oBias, boolean mlpBias,
                          int bosTokenId, List<Integer> eosTokenIds, ObjectNode raw) {
    /** Longest context knowhow precomputes RoPE tables for; longer configured windows are capped here. */
    public static final int MAX_CONTEXT = 32768;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (vocabSize < 1 || hiddenSize < 1 || intermediateSize < 1 || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 2)
            throw new IllegalArgumentException("model dimensions must be positive");
        if (heads % kvHeads != 0)
            throw new IllegalArgumentException("num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /** Longest sequence the model runs: {@code max_position_embeddings}, capped at {@link #MAX_CONTEXT}. */
    public int contextLength() {
        return Math.min(maxPositions, MAX_CONTEXT);
    }

    /**
     * A config for a model built in memory (tests, benchmarks): no biases, default RoPE.
     */
    public static ModelConfig of(Family family, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
                                 int kvHeads, int maxPositions, boolean tiedEmbeddings) {
        ObjectNode raw = JSON.createObjectNode();
        raw.putArray("architectures").add(switch (family) {
            case LLAMA -> "LlamaForCausalLM";
            case QWEN2 -> "Qwen2ForCausalLM";
            case MISTRAL -> "MistralForCausalLM";
        });
        raw.put("model_type", family.modelType()).put("vocab_size", vocabSize).put("hidden_size", hiddenSize)
                .put("intermediate_size", intermediateSize).put("num_hidden_layers", layers).put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads).put("max_position_embeddings", maxPositions).put("rms_norm_eps", 1e-5)
                .put("rope_theta", 10000.0).put("tie_word_embeddings", tiedEmbeddings).put("hidden_act", "silu")
                .put("torch_dtype", "float32");
        return fromJson(raw, Path.of("config.json"));
    }

    /**
     * Reads {@code modelDir/config.json}.
     *
     * @throws ModelLoadException when the file is missing, unreadable or describes an unsupported model
     */
    public static ModelConfig read(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file + " not found: a model directory needs the config.json of a Hugging Face model", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode obj)) throw new ModelLoadException(file + " is not a JSON object");
        return fromJson(obj, file);
    }

    static ModelConfig fromJson(ObjectNode n, Path file) {
        // Some exports nest the language model's settings under text_config (multimodal wrappers); not supported.
        Family family = Family.of(n.path("model_type").asText(null), file);
        String act = n.path("hidden_act").asText("silu");
        if (!act.equals("silu"))
            throw new ModelLoadException(file + ": hidden_act '" + act + "' is not supported (the Llama family uses silu)");
        int hidden = required(n, "hidden_size", file);
        int heads = required(n, "num_attention_heads", file);
        int kvHeads = n.path("num_key_value_heads").isNumber() ? n.get("num_key_value_heads").asInt() : heads;
        int headDim = n.path("head_dim").isNumber() ? n.get("head_dim").asInt() : hidden / heads;
        boolean attentionBias = n.path("attention_bias").asBoolean(false);
        boolean qkvBias = family == Family.QWEN2 || attentionBias;
        boolean oBias = family == Family.LLAMA && attentionBias;
        boolean mlpBias = family == Family.LLAMA && n.path("mlp_bias").asBoolean(false);
        // Qwen2's window applies only from max_window_layers on, a layer-dependent mask knowhow does not build;
        // every released Qwen2/2.5 config has it off.
        if (family == Family.QWEN2 && n.path("use_sliding_window").asBoolean(false))
            throw new ModelLoadException(file + ": use_sliding_window=true (Qwen2's per-layer sliding window) is not supported");
        List<Integer> eos = new ArrayList<>();
        JsonNode e = n.path("eos_token_id");
        if (e.isArray()) e.forEach(x -> eos.add(x.asInt()));
        else if (e.isNumber()) eos.add(e.asInt());
        try {
            return new ModelConfig(family, required(n, "vocab_size", file), hidden, required(n, "intermediate_size", file),
                    required(n, "num_hidden_layers", file), heads, kvHeads, headDim, n.path("rms_norm_eps").asDouble(1e-6),
                    n.path("rope_theta").asDouble(10000.0), RopeScaling.of(n.path("rope_scaling"), file),
                    n.path("max_position_embeddings").asInt(2048), n.path("tie_word_embeddings").asBoolean(false),
                    qkvBias, oBias, mlpBias, n.path("bos_token_id").asInt(-1), eos, n.deepCopy());
        } catch (IllegalArgumentException ex) {
            throw new ModelLoadException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static int required(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) throw new ModelLoadException(file + ": missing number \"" + field + "\"");
        return v.asInt();
    }

    /**
     * Mistral's sliding-window attention: each position sees itself and the {@code slidingWindow() - 1}
     * positions before it; 0 when the model attends to the whole context (every other family, and
     * Mistral v0.2 on, whose config says {@code "sliding_window": null}).
     */
    public int slidingWindow() {
        if (family != Family.MISTRAL || raw == null) return 0;
        JsonNode w = raw.path("sliding_window");
        return w.isNumber() && w.asInt() > 0 ? w.asInt() : 0;
    }

    /** Parameters of the whole model (embedding and output head counted once when tied). */
    public long parameterCount() {
        long h = hiddenSize, q = (long) heads * headDim, kv = (long) kvHeads * headDim, im = intermediateSize;
        long perLayer = 2 * h + h * q + 2 * h * kv + q * h + 3 * h * im;
        if (qkvBias) perLayer += q + 2 * kv;
        if (oBias) perLayer += h;
        if (mlpBias) perLayer += 2 * im + h;
        long embed = (long) vocabSize * h;
        return embed * (tiedEmbeddings ? 1 : 2) + h + layers * perLayer;
    }
}
