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

    /** The chunker's options, cut to what the embedding model reads ({@code modelMaxTokens}, special tokens aside). */
    public ChunkingOptions options(int modelMaxTokens) {
        return new ChunkingOptions(maxTokens, overlapTokens).fittedTo(modelMaxTokens - 2);
    }
}
