package io.knowhow.core.port;

/**
 * Identity of an embedding model.
 *
 * @param id        model and runtime, e.g. "all-minilm-l6-v2-q@onnxruntime-1.20.0"; a knowledge base
 *                  built with one id refuses queries from another
 * @param dimension vector length
 * @param maxTokens content tokens the model reads of a text; a longer text is embedded by its beginning
 */
public record EmbedderInfo(String id, int dimension, int maxTokens) {
    public EmbedderInfo {
        if (dimension < 1) throw new IllegalArgumentException("dimension must be positive");
        if (maxTokens < 8) throw new IllegalArgumentException("maxTokens must be at least 8");
    }
}
