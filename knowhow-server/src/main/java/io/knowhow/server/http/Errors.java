package io.knowhow.server.http;

import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.prompt.ContextWindowExceededException;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The HTTP error for an exception from knowhow: the codes {@code --json} commands print ({@code busy},
 * {@code invalid_input}, ...) with a status a client can act on. An unexpected exception becomes a 500 whose
 * message names the request id and nothing of the server's insides.
 */
public final class Errors {
    /** Seconds a client is told to wait when the knowledge base is being written (Retry-After). */
    static final long BUSY_RETRY_SECONDS = 5;

    private Errors() {}

    public static ApiException map(Throwable e, String requestId) {
        if (e instanceof ApiException a) return a;
        if (e instanceof KnowledgeBaseBusyException) return ApiException.busy(e.getMessage(), BUSY_RETRY_SECONDS);
        if (e instanceof IncompatibleKnowledgeBaseException) return new ApiException(503, "incompatible_knowledge_base", e.getMessage());
        if (e instanceof KnowledgeBaseUnavailableException)
            return new ApiException(503, "knowledge_base_unavailable", e.getMessage(), Map.of("Retry-After", Long.toString(BUSY_RETRY_SECONDS)));
        if (e instanceof ContextWindowExceededException) return new ApiException(400, "context_window_exceeded", e.getMessage());
        if (e instanceof IllegalArgumentException) return ApiException.badRequest(e.getMessage());
        if (e instanceof UncheckedIOException) return new ApiException(500, "io_error", "the server could not read or write a file (request " + requestId + "; see its log)");
        return new ApiException(500, "failed", "the request failed on the server (request " + requestId + "; see its log)");
    }
}
