package io.knowhow.core.port;

/**
 * A knowledge base that was built in a way this run cannot use: another embedding model, another vector
 * dimension, or a store format this version does not read. The message names the knowledge base, says
 * what was expected and what was found, and what to do (usually: re-ingest into a new knowledge base, or
 * run with the model it was built with).
 */
public class IncompatibleKnowledgeBaseException extends RuntimeException {
    public IncompatibleKnowledgeBaseException(String message) {
        super(message);
    }

    public IncompatibleKnowledgeBaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
