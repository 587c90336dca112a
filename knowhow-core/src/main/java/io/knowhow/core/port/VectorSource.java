package io.knowhow.core.port;

import io.knowhow.core.model.EmbeddedChunk;

import java.util.List;

/**
 * A store that can hand back the vectors it holds, so its chunks move to another store (migration between
 * store kinds) without being embedded again. Optional: a store that cannot is still a full
 * {@link ReadableKnowledgeStore}, and a migration from it re-embeds the stored text instead.
 */
public interface VectorSource {
    /**
     * The chunks of one source in order, each with the vector stored for it, exactly as written by
     * {@link KnowledgeStore#replaceSources}; empty when the source is unknown.
     */
    List<EmbeddedChunk> embeddedChunks(String source);
}
