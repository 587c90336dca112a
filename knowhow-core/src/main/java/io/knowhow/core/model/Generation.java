package io.knowhow.core.model;

import java.util.List;

/**
 * What a generator produced.
 *
 * @param text      answer text with {@code [n]} markers into the request's evidence
 * @param cited     the evidence numbers (1-based) the text rests on, in order of first use
 * @param abstained true when the generator found no answer in the evidence
 */
public record Generation(String text, List<Integer> cited, boolean abstained) {
    public Generation {
        cited = List.copyOf(cited == null ? List.of() : cited);
    }

    public static Generation abstain() {
        return new Generation(Answer.ABSTENTION, List.of(), true);
    }
}
