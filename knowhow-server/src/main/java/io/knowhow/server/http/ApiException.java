package io.knowhow.server.http;

import java.util.Map;

/**
 * A request that ends in an HTTP error with a JSON body {@code {"error": {"code", "message"}}} — the shape a
 * {@code --json} command prints on failure. The message names the input and what to do; headers such as
 * {@code Retry-After} travel with it.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_input", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "too_large", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    /** 503 with Retry-After: the knowledge base or the job queue is busy; the same request may work later. */
    public static ApiException busy(String message, long retryAfterSeconds) {
        return new ApiException(503, "busy", message, Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }
}
