package io.knowhow.core.model;

import java.util.List;
import java.util.Objects;

/**
 * Input to a {@link io.knowhow.core.port.Generator}.
 *
 * @param question the user's question
 * @param evidence numbered evidence: element i is cited as {@code [i+1]}; empty for prompt-only
 */
public record GenerationRequest(String question, List<Hit> evidence) {
    public GenerationRequest {
        Objects.requireNonNull(question, "question");
        evidence = List.copyOf(evidence == null ? List.of() : evidence);
    }
}
