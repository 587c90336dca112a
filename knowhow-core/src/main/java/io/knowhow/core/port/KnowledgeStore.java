package io.knowhow.core.port;

import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;

import java.util.List;

/**
 * Where chunks and the manifest of sources live, opened for writing. Every write is atomic and durable
 * when it returns: a crash leaves either the old state of a source or the new one, never a mix. Writes
 * are visible to the next {@link Retriever#retrieve} on the same instance. One writer at a time per
 * knowledge base; readers use {@link ReadableKnowledgeStore}.
 */
public interface KnowledgeStore extends ReadableKnowledgeStore {
    /**
     * Replaces everything stored for each update's source by its chunks, all in one atomic commit: a
     * batch of small files costs one durable write, not one per file.
     */
    void replaceSources(List<SourceUpdate> updates);

    /** Replaces everything stored for {@code source.source()} by {@code chunks}, in one atomic commit. */
    default void replaceSource(SourceRecord source, List<EmbeddedChunk> chunks) {
        replaceSources(List.of(new SourceUpdate(source, chunks)));
    }

    /**
     * Removes a source and all its chunks; returns false if it was not there. The source is gone from
     * every answer at once, but a store may keep its bytes in its files until they are rewritten:
     * {@link #purgeDeleted()} removes them.
     */
    boolean deleteSource(String source);

    /**
     * Rewrites the store's files so that no text of a deleted source, nor of a replaced version of one,
     * remains in any of them — for content that must really be gone (personal data, a leaked secret).
     * Costs a rewrite of every part of the store that held such text; the change history
     * ({@link SourceCatalog#changes()}) keeps the source names and hashes.
     */
    void purgeDeleted();
}
