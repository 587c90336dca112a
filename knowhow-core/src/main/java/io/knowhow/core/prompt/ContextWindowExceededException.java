package io.knowhow.core.prompt;

/**
 * A prompt that cannot fit the model's context window, even with the evidence trimmed as far as the
 * strategy allows. The message says how many tokens were needed, how many the window leaves, and what
 * to change.
 */
public class ContextWindowExceededException extends RuntimeException {
    private final int requiredTokens;
    private final int availableTokens;

    public ContextWindowExceededException(String message, int requiredTokens, int availableTokens) {
        super(message);
        this.requiredTokens = requiredTokens;
        this.availableTokens = availableTokens;
    }

    /** Prompt tokens the request needs (estimated by the prompt's token counter). */
    public int requiredTokens() {
        return requiredTokens;
    }

    /** Prompt tokens the window leaves once the answer's reserved tokens are set aside. */
    public int availableTokens() {
        return availableTokens;
    }
}
