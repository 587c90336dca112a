package io.knowhow.core.model;

import java.util.Objects;

/** A chunk with its embedding, ready to store. */
public record EmbeddedChunk(Chunk chunk, float[] vector) {
    public EmbeddedChunk {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(vector, "vector");
    }
}
