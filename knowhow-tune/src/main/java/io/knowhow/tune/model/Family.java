package io.knowhow.tune.model;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The decoder families this module runs, by the {@code model_type} of their {@code config.json}. They
 * share one architecture (RMSNorm, RoPE, grouped-query attention, SwiGLU MLP) and differ in details the
 * configuration records: Qwen2 has biases on the q, k and v projections; Llama may have biases
 * everywhere ({@code attention_bias}, {@code mlp_bias}); Mistral has none. SmolLM and SmolLM2 are
 * {@code llama}.
 */
public enum Family {
    LLAMA("llama"),
    QWEN2("qwen2"),
    MISTRAL("mistral");

    private final String modelType;

    Family(String modelType) {
        this.modelType = modelType;
    }

    /** The {@code model_type} value in {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    /**
     * The family of a {@code model_type}.
     *
     * @throws ModelLoadException naming {@code config} when the type is not supported
     */
    public static Family of(String modelType, Path config) {
        String t = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        for (Family f : values()) if (f.modelType.equals(t)) return f;
        throw new ModelLoadException(config + ": model_type '" + modelType + "' is not supported. knowhow fine-tunes and runs "
                + "Llama-family decoders: model_type llama (Llama 2/3, SmolLM, SmolLM2), qwen2 (Qwen2, Qwen2.5) and mistral.");
    }
}
