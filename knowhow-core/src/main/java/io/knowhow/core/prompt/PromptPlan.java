package io.knowhow.core.prompt;

import io.knowhow.core.model.ChatMessage;
import io.knowhow.core.model.Hit;

import java.util.List;

/**
 * A prompt ready to send, and what had to be left out to fit the window.
 *
 * @param messages       the chat messages, system first
 * @param included       evidence in the prompt, in rank order; element i is block {@code n = i + 1}
 * @param dropped        evidence left out for lack of room, in rank order
 * @param promptTokens   estimated tokens of {@code messages}, including per-message overhead
 * @param requiredTokens estimated prompt tokens had every evidence chunk been included
 * @param budgetTokens   prompt tokens the window allows: context window minus tokens reserved for the answer
 */
public record PromptPlan(List<ChatMessage> messages, List<Hit> included, List<Hit> dropped, int promptTokens,
                         int requiredTokens, int budgetTokens) {
    public PromptPlan {
        messages = List.copyOf(messages);
        included = List.copyOf(included);
        dropped = List.copyOf(dropped);
    }

    /** Chunk ids of the dropped evidence, in rank order. */
    public List<String> droppedIds() {
        return dropped.stream().map(h -> h.chunk().id()).toList();
    }

    /** True when no evidence had to be left out. */
    public boolean fitsAll() {
        return dropped.isEmpty();
    }
}
