package io.knowhow.core.port;

/**
 * A knowledge base that cannot be opened at all: in use by another process, not a knowledge base, or
 * damaged. The message names the location and what to do. Unlike
 * {@link IncompatibleKnowledgeBaseException}, the contents may be fine; something around them is not.
 */
public class KnowledgeBaseUnavailableException extends RuntimeException {
    public KnowledgeBaseUnavailableException(String message) {
        super(message);
    }

    public KnowledgeBaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
