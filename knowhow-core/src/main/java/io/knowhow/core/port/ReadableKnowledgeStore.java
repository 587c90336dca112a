package io.knowhow.core.port;

/**
 * The reading side of a knowledge store: search and the manifest of sources. What question answering
 * needs, and all that a reader process gets: a store opened for reading never writes, never takes the
 * writer's lock, and shows the last committed state (and later commits as they appear), so any number of
 * readers work beside one writer.
 */
public interface ReadableKnowledgeStore extends Retriever, SourceCatalog, AutoCloseable {
    @Override
    void close();
}
