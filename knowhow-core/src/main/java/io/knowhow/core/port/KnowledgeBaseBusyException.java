package io.knowhow.core.port;

/**
 * Another writer holds the knowledge base (an ingest, a delete, a reindex in another process or job), and
 * it did not finish within the time this writer was willing to wait. Readers never get this: they do not
 * need the writer's lock. The message names the knowledge base and how long was waited.
 */
public class KnowledgeBaseBusyException extends KnowledgeBaseUnavailableException {
    public KnowledgeBaseBusyException(String message) {
        super(message);
    }

    public KnowledgeBaseBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
