package io.knowhow.core.chunk;

/**
 * How text is cut into chunks.
 *
 * @param maxTokens     upper bound of tokens in a chunk, heading included (by the embedding model's tokenizer)
 * @param overlapTokens tokens of trailing whole sentences repeated at the start of the next chunk
 */
public record ChunkingOptions(int maxTokens, int overlapTokens) {
    /**
     * Chunks of up to 512 tokens without overlap, each embedded by its first {@link #DEFAULT_VECTOR_TOKENS}: the
     * pick from the measured front of ingest speed and retrieval quality (docs/adr/0009-embedding-window.md).
     */
    public static final ChunkingOptions DEFAULT = new ChunkingOptions(512, 0);

    /**
     * Tokens of each chunk read into its vector by default ({@code embedder.max-tokens}); BM25 reads the whole
     * chunk. Embedding is most of the cost of ingest, and it grows with every token embedded (ADR 0009).
     */
    public static final int DEFAULT_VECTOR_TOKENS = 128;

    public ChunkingOptions {
        if (maxTokens < 16) throw new IllegalArgumentException("chunk size must be at least 16 tokens, got " + maxTokens);
        if (overlapTokens < 0 || overlapTokens >= maxTokens)
            throw new IllegalArgumentException("chunk overlap must be between 0 and chunk size - 1 (" + (maxTokens - 1) + "), got " + overlapTokens);
    }
}
