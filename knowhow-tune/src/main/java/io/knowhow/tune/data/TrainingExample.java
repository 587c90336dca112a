package io.knowhow.tune.data;

import io.knowhow.core.model.ChatMessage;

import java.util.List;

/**
 * One training example: a conversation whose assistant messages are what the model learns to write.
 *
 * @param messages the conversation, in order
 * @param line     the 1-based line of the JSONL file it came from
 */
public record TrainingExample(List<ChatMessage> messages, int line) {
    public TrainingExample {
        messages = List.copyOf(messages);
    }
}
