package io.knowhow.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code ask} returns.
 *
 * @param text            answer text with {@code [n]} markers, or the abstention sentence
 * @param abstained       true when the knowledge base does not answer the question
 * @param citations       the chunks cited by the markers, numbered as in the text
 * @param strategy        the strategy that produced it (rag, full-context, prompt-only, ...)
 * @param timingsMs       wall time per stage in milliseconds (embed, retrieve, generate, total)
 * @param grounding       how well the text rests on the evidence; null when it was not computed
 * @param usage           tokens the model consumed; {@link Usage#ZERO} when no model ran
 * @param cost            what the generation cost, in the currency of the configured per-1k-token prices
 * @param droppedEvidence ids of retrieved chunks left out of the prompt because the model's context
 *                        window had no room for them, in rank order; empty when everything fitted
 * @param notes           what a user should know about how the answer was made (e.g. a question too long to search
 *                        whole); empty usually
 */
public record Answer(String text, boolean abstained, List<Citation> citations, String strategy,
                     Map<String, Double> timingsMs, Grounding grounding, Usage usage, double cost,
                     List<String> droppedEvidence, List<String> notes) {
    public static final String ABSTENTION = "The knowledge base does not answer this.";

    public Answer {
        Objects.requireNonNull(text, "text");
        citations = List.copyOf(citations);
        timingsMs = Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs == null ? Map.of() : timingsMs));
        usage = usage == null ? Usage.ZERO : usage;
        if (!(cost >= 0)) throw new IllegalArgumentException("cost must be a non-negative number, got " + cost);
        droppedEvidence = List.copyOf(droppedEvidence == null ? List.of() : droppedEvidence);
        notes = List.copyOf(notes == null ? List.of() : notes);
    }

    /** An answer without notes. */
    public Answer(String text, boolean abstained, List<Citation> citations, String strategy, Map<String, Double> timingsMs,
                  Grounding grounding, Usage usage, double cost, List<String> droppedEvidence) {
        this(text, abstained, citations, strategy, timingsMs, grounding, usage, cost, droppedEvidence, List.of());
    }

    /** An answer without grounding, usage, cost or dropped evidence (the shape before those existed). */
    public Answer(String text, boolean abstained, List<Citation> citations, String strategy, Map<String, Double> timingsMs) {
        this(text, abstained, citations, strategy, timingsMs, null, Usage.ZERO, 0, List.of());
    }
}
