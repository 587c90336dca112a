package io.knowhow.core.port;

import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceRecord;

import java.util.List;

/**
 * Where chunks and the manifest of sources live. Every write is atomic and durable when it returns: a
 * crash leaves either the old state of a source or the new one, never a mix. Writes are visible to
 * the next {@link Retriever#retrieve} on the same instance.
 */
public interface KnowledgeStore extends Retriever, SourceCatalog, AutoCloseable {
    /** Replaces everything stored for {@code source.source()} by {@code chunks}, in one atomic commit. */
    void replaceSource(SourceRecord source, List<EmbeddedChunk> chunks);

    /** Removes a source and all its chunks; returns false if it was not there. */
    boolean deleteSource(String source);

    @Override
    void close();
}
