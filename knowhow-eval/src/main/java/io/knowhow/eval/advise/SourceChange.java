package io.knowhow.eval.advise;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of the knowledge base's sources: the shape of core's {@code SourceCatalog.changes()} entries, mirrored
 * here so that the change log plugs into {@link ChangeHistory} with a one-line mapping.
 *
 * @param at          when the change was committed
 * @param source      the source key
 * @param kind        added, updated or removed
 * @param contentHash the new content's hash (the last one for a removal)
 */
public record SourceChange(Instant at, String source, Kind kind, String contentHash) {
    public enum Kind { ADDED, UPDATED, REMOVED }

    public SourceChange {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
    }
}
