package io.knowhow.core.model;

import java.util.List;
import java.util.Map;

/**
 * What {@code ask} returns.
 *
 * @param text      answer text with {@code [n]} markers, or the abstention sentence
 * @param abstained true when the knowledge base does not answer the question
 * @param citations the chunks cited by the markers, numbered as in the text
 * @param strategy  the strategy that produced it (rag, full-context, prompt-only, ...)
 * @param timingsMs wall time per stage in milliseconds (embed, retrieve, generate, total)
 */
public record Answer(String text, boolean abstained, List<Citation> citations, String strategy,
                     Map<String, Double> timingsMs) {
    public static final String ABSTENTION = "The knowledge base does not answer this.";

    public Answer {
        citations = List.copyOf(citations);
        timingsMs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timingsMs == null ? Map.of() : timingsMs));
    }
}
