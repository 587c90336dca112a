package io.knowhow.core.model;

/**
 * Tokens one generation consumed, as the model's server reported them (or, where a server reports
 * nothing, as estimated by the prompt's token counter).
 *
 * @param promptTokens     tokens of the prompt sent (system prompt, evidence, question)
 * @param completionTokens tokens of the generated text
 */
public record Usage(int promptTokens, int completionTokens) {
    /** No model ran (the extractive generator), or nothing was counted. */
    public static final Usage ZERO = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0)
            throw new IllegalArgumentException("token counts cannot be negative: prompt " + promptTokens + ", completion " + completionTokens);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
