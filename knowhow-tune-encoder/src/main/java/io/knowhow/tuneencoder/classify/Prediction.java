package io.knowhow.tuneencoder.classify;

import java.util.Map;

/**
 * A classifier's answer for one text.
 *
 * @param label         the most probable label
 * @param probabilities every label's probability (softmax of the head's logits), most probable first
 */
public record Prediction(String label, Map<String, Double> probabilities) {
    public Prediction {
        probabilities = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(probabilities));
    }

    /** The probability of {@link #label()}. */
    public double confidence() {
        return probabilities.get(label);
    }
}
