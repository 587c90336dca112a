package io.knowhow.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What a generator produced.
 *
 * @param text      answer text with {@code [n]} markers into the request's evidence
 * @param cited     the evidence numbers (1-based) the text rests on, in order of first use
 * @param abstained true when the generator found no answer in the evidence
 * @param usage     tokens the model consumed; {@link Usage#ZERO} when no model ran (extractive)
 * @param cost      what the call cost, in the currency of the configured per-1k-token prices; 0 when unpriced
 */
public record Generation(String text, List<Integer> cited, boolean abstained, Usage usage, double cost) {
    public Generation {
        Objects.requireNonNull(text, "text");
        cited = List.copyOf(cited == null ? List.of() : cited);
        usage = usage == null ? Usage.ZERO : usage;
        if (!(cost >= 0)) throw new IllegalArgumentException("cost must be a non-negative number, got " + cost);
    }

    /** A generation that used no model: zero usage, no cost. */
    public Generation(String text, List<Integer> cited, boolean abstained) {
        this(text, cited, abstained, Usage.ZERO, 0);
    }

    public static Generation abstain() {
        return new Generation(Answer.ABSTENTION, List.of(), true);
    }
}
