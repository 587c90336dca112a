package io.knowhow.app;

import java.util.Map;

/**
 * A fine-tuned classifier's answer.
 *
 * @param label         the most probable label
 * @param probabilities every label's probability, most probable first
 */
public record Classification(String label, Map<String, Double> probabilities) {
    public Classification {
        probabilities = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(probabilities));
    }
}
