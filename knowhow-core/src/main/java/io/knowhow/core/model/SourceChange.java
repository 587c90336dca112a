package io.knowhow.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One change to the manifest of sources, recorded by the store in the same atomic write as the change
 * itself: a history that can never disagree with the contents. The decision layer reads it to tell how
 * often the knowledge changes.
 *
 * @param at          when the store wrote the change
 * @param source      the source key ({@link SourceRecord#source()})
 * @param kind        what happened to it
 * @param contentHash the content hash of the version written, or, for {@link Kind#REMOVED}, of the
 *                    version removed
 */
public record SourceChange(Instant at, String source, Kind kind, String contentHash) {
    /** What a change did to its source. */
    public enum Kind {
        /** Written while the store did not hold the source. */
        ADDED,
        /** Written over a version the store held (with the same content or not: compare the hashes). */
        UPDATED,
        /** Deleted with all its chunks. */
        REMOVED
    }

    public SourceChange {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(contentHash, "contentHash");
    }
}
