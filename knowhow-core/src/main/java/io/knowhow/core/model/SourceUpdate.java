package io.knowhow.core.model;

import java.util.List;
import java.util.Objects;

/** A source's new manifest entry and all its chunks, to replace whatever is stored for it. */
public record SourceUpdate(SourceRecord source, List<EmbeddedChunk> chunks) {
    public SourceUpdate {
        Objects.requireNonNull(source, "source");
        chunks = List.copyOf(chunks);
    }
}
