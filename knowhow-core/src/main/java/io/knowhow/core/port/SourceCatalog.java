package io.knowhow.core.port;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.SourceRecord;

import java.util.List;
import java.util.Optional;

/** The manifest of ingested sources, and the chunks stored for each. */
public interface SourceCatalog {
    List<SourceRecord> sources();

    Optional<SourceRecord> source(String source);

    /** The chunks of one source in order (empty when unknown); used by full-context injection. */
    List<Chunk> chunks(String source);
}
