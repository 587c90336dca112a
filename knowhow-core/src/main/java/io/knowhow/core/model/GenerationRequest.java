package io.knowhow.core.model;

import java.util.List;
import java.util.Objects;

/**
 * Input to a {@link io.knowhow.core.port.Generator}.
 *
 * @param question the user's question
 * @param evidence numbered evidence: element i is cited as {@code [i+1]}; empty for prompt-only
 * @param messages the chat prompt already assembled from {@code question} and {@code evidence} (see
 *                 {@link io.knowhow.core.prompt.PromptBuilder}), sent as is by generators that read a
 *                 prompt; empty when the caller left assembly to the generator. Generators that work
 *                 on the evidence directly (extractive) ignore it.
 */
public record GenerationRequest(String question, List<Hit> evidence, List<ChatMessage> messages) {
    public GenerationRequest {
        Objects.requireNonNull(question, "question");
        evidence = List.copyOf(evidence == null ? List.of() : evidence);
        messages = List.copyOf(messages == null ? List.of() : messages);
    }

    /** A request whose prompt, if one is needed, the generator assembles itself. */
    public GenerationRequest(String question, List<Hit> evidence) {
        this(question, evidence, List.of());
    }
}
