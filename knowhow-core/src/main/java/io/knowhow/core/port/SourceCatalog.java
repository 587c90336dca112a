package io.knowhow.core.port;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;

import java.util.List;
import java.util.Optional;

/** The manifest of ingested sources, the chunks stored for each, and the history of its changes. */
public interface SourceCatalog {
    List<SourceRecord> sources();

    Optional<SourceRecord> source(String source);

    /** The chunks of one source in order (empty when unknown); used by full-context injection. */
    List<Chunk> chunks(String source);

    /**
     * Every change to the manifest, oldest first: one entry per source written or deleted, recorded in the
     * same atomic write as the change, so it survives a crash exactly when the change does. Rebuilding a
     * store beside the old one (re-embedding) carries the history over and adds nothing to it.
     *
     * <p>NOTE: like {@link #sources()}, the history names every source whatever its access groups; show it
     * to maintainers, not to readers of restricted knowledge.
     */
    List<SourceChange> changes();
}
