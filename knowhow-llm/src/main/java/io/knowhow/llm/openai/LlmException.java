package io.knowhow.llm.openai;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A failed call to an LLM server, with a message that names the URL and says what to do. Unchecked:
 * callers can rarely recover, and those that can switch on {@link #kind()} or {@link #retriable()}.
 *
 * <p>NOTE: messages never contain the API key; the generator scrubs it from anything a server echoes.
 */
public class LlmException extends RuntimeException {
    /** What went wrong, and whether trying again later may help. */
    public enum Kind {
        /** Nothing listens at the URL (connection refused, unknown host, TLS failure). */
        UNREACHABLE(false),
        /** Connecting, or waiting for the answer, took longer than the configured timeout. */
        TIMEOUT(true),
        /** The connection broke (reset, closed mid-answer). */
        NETWORK(true),
        /** HTTP 429: too many requests for now. */
        RATE_LIMITED(true),
        /** HTTP 5xx: the server failed. */
        SERVER_ERROR(true),
        /** HTTP 401/403: missing, wrong or unauthorised API key. */
        AUTHENTICATION(false),
        /** HTTP 429 with {@code insufficient_quota}: the account is out of credit; waiting will not help. */
        QUOTA_EXCEEDED(false),
        /** The server does not serve the configured model. */
        MODEL_NOT_FOUND(false),
        /** HTTP 404 unrelated to the model: the base URL is not an OpenAI-compatible root. */
        ENDPOINT_NOT_FOUND(false),
        /** The prompt plus max tokens exceed the model's context length. */
        CONTEXT_TOO_LONG(false),
        /** Any other 4xx: the server refused the request. */
        BAD_REQUEST(false),
        /** A 2xx answer that is not a chat completion (not JSON, no choices, no text). */
        MALFORMED_RESPONSE(false),
        /** A 3xx answer: never followed, so the prompt and key go nowhere that was not configured. */
        REDIRECTED(false),
        /** The response passed {@code llm.max-response-bytes}; reading stopped there. */
        RESPONSE_TOO_LARGE(false),
        /** No complete answer within {@code llm.deadline-seconds}, retries included. */
        DEADLINE_EXCEEDED(false),
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }

    private final Kind kind;
    private final int httpStatus;
    private final Duration retryAfter;

    public LlmException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, 0, null);
    }

    /**
     * @param httpStatus the response status, or 0 when no response came
     * @param retryAfter how long the server asked to wait (Retry-After), or null
     */
    public LlmException(Kind kind, String message, Throwable cause, int httpStatus, Duration retryAfter) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** True for timeouts, broken connections, 429 and 5xx: the same request may succeed later. */
    public boolean retriable() {
        return kind.retriable();
    }

    /** The HTTP status of the failed response, or 0 when none came. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The wait the server asked for with Retry-After, when it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
