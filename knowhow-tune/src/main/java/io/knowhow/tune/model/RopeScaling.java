package io.knowhow.tune.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;

/**
 * RoPE frequency scaling from {@code config.json}'s {@code rope_scaling}: none, {@code linear}
 * (positions divided by a factor) or {@code llama3} (Llama 3.1+: low frequencies divided by the factor,
 * high ones kept, a smooth blend between).
 *
 * @param type                  "default", "linear" or "llama3"
 * @param factor                the scaling factor (1 for default)
 * @param lowFreqFactor         llama3 only
 * @param highFreqFactor        llama3 only
 * @param originalMaxPositions  llama3 only: the context the model was pre-trained with
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);

    static RopeScaling of(JsonNode n, Path file) {
        if (n == null || n.isNull() || n.isMissingNode()) return NONE;
        String type = n.has("rope_type") ? n.get("rope_type").asText() : n.path("type").asText("default");
        return switch (type) {
            case "default" -> NONE;
            case "linear" -> new RopeScaling("linear", n.path("factor").asDouble(1), 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3", n.path("factor").asDouble(8), n.path("low_freq_factor").asDouble(1),
                    n.path("high_freq_factor").asDouble(4), n.path("original_max_position_embeddings").asInt(8192));
            default -> throw new ModelLoadException(file + ": rope_scaling type '" + type
                    + "' is not supported; knowhow implements default, linear and llama3");
        };
    }

    /**
     * The inverse frequencies of a head of width {@code headDim}, scaled: element i is
     * {@code theta^(-2i/headDim)}, computed in f32 as transformers does so that tables match.
     */
    public float[] inverseFrequencies(int headDim, double theta) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) inv[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
        switch (type) {
            case "linear" -> {
                for (int i = 0; i < half; i++) inv[i] = (float) (inv[i] / factor);
            }
            case "llama3" -> {
                double lowWavelen = originalMaxPositions / lowFreqFactor;
                double highWavelen = originalMaxPositions / highFreqFactor;
                for (int i = 0; i < half; i++) {
                    double wavelen = 2 * Math.PI / inv[i];
                    if (wavelen > lowWavelen) {
                        inv[i] = (float) (inv[i] / factor);
                    } else if (wavelen >= highWavelen) {
                        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                        inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
                    }
                }
            }
            default -> { }
        }
        return inv;
    }
}
