package io.knowhow.llm.openai;

import java.time.Duration;

/**
 * Whether, and after how long, a failed attempt is tried again: only retriable failures (timeouts,
 * broken connections, 429, 5xx), never once text reached the caller, at most {@code llm.max-retries}
 * times, and never past the answer's {@link Deadline}. Waits double from {@link
 * LlmSettings#initialBackoff()} up to {@link #MAX_BACKOFF} unless the server says how long with
 * Retry-After. No jitter: one CLI user does not make a thundering herd.
 */
final class RetryPolicy {
    /** Longest wait between retries when the server gives no Retry-After. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final LlmSettings settings;
    private final LlmErrors errors;

    RetryPolicy(LlmSettings settings, LlmErrors errors) {
        this.settings = settings;
        this.errors = errors;
    }

    /**
     * The wait before trying again after {@code failure} ended attempt number {@code attempt}.
     *
     * @param emitted whether any text of this answer already reached the caller
     * @throws LlmException to give up: {@code failure} itself, or one that says why no retry follows
     */
    Duration waitBefore(LlmException failure, int attempt, boolean emitted, Deadline deadline) {
        if (!failure.retriable() || emitted) throw failure;
        if (attempt >= settings.maxRetries() + 1) throw errors.gaveUp(failure, attempt);
        Duration wait = failure.retryAfter().orElse(backoff(attempt));
        Duration maxRetryAfter = OpenAiCompatibleGenerator.MAX_RETRY_AFTER;
        if (wait.compareTo(maxRetryAfter) > 0) {
            throw new LlmException(failure.kind(), failure.getMessage() + " The server asks to wait " + wait.toSeconds()
                    + " s before retrying, longer than the " + maxRetryAfter.toSeconds() + " s this client waits.",
                    failure, failure.httpStatus(), wait);
        }
        if (wait.compareTo(deadline.remaining()) >= 0) throw errors.noTimeToRetry(failure, attempt, wait);
        return wait;
    }

    private Duration backoff(int attempt) {
        Duration d = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
