package io.knowhow.core.chunk;

/**
 * How text is cut into chunks.
 *
 * @param maxTokens     upper bound of tokens in a chunk, heading included (by the embedding model's tokenizer)
 * @param overlapTokens tokens of trailing whole sentences repeated at the start of the next chunk
 */
public record ChunkingOptions(int maxTokens, int overlapTokens) {
    /** 200 tokens fits MiniLM's 256-token window with room for the heading; 40 keeps context across cuts. */
    public static final ChunkingOptions DEFAULT = new ChunkingOptions(200, 40);

    public ChunkingOptions {
        if (maxTokens < 16) throw new IllegalArgumentException("chunk size must be at least 16 tokens, got " + maxTokens);
        if (overlapTokens < 0 || overlapTokens >= maxTokens)
            throw new IllegalArgumentException("chunk overlap must be between 0 and chunk size - 1 (" + (maxTokens - 1) + "), got " + overlapTokens);
    }

    /** Clamps the size to a model's limit, keeping the overlap below it. */
    public ChunkingOptions fittedTo(int modelMaxTokens) {
        int size = Math.min(maxTokens, modelMaxTokens);
        return new ChunkingOptions(size, Math.min(overlapTokens, size / 2));
    }
}
