package io.knowhow.app.config;

import io.knowhow.core.chunk.ChunkingOptions;

/**
 * How documents are cut into chunks.
 *
 * @param maxTokens     chunk size in embedding-model tokens
 * @param overlapTokens tokens repeated between neighbouring chunks
 */
public record ChunkSettings(int maxTokens, int overlapTokens) {
    public static ChunkSettings fromConfig(KnowhowConfig config) {
        return new ChunkSettings(config.integer(ConfigKeys.CHUNK_MAX_TOKENS), config.integer(ConfigKeys.CHUNK_OVERLAP_TOKENS));
    }

    /**
     * The chunker's options. Not cut to the embedding window: a longer chunk is embedded by its beginning
     * and found by BM25 over all of it, which is how large chunks stay cheap to ingest (ADR 0009).
     */
    public ChunkingOptions options() {
        return new ChunkingOptions(maxTokens, Math.min(overlapTokens, maxTokens / 2));
    }
}
