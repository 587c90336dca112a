package io.knowhow.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the knowledge base's manifest of sources.
 *
 * @param source       the key: the path as the user gave it to ingest, made absolute and normalised, so
 *                     that the same file ingested from another working directory is the same source
 * @param contentHash  SHA-256 of the raw bytes, hex; unchanged hash means re-ingest does nothing
 * @param sizeBytes    raw size
 * @param chunkCount   chunks stored for it
 * @param ingestedAt   when its chunks were last written
 * @param firstSeenAt  when the source was first written to the knowledge base. Stores keep the first value
 *                     across replacements (a replacement's own value counts only when the store has none),
 *                     so it says how long the knowledge base has known the source; null when unknown
 * @param tags         labels given at ingest, copied onto each chunk for filtering
 * @param accessGroups groups that may read it; empty means everyone
 */
public record SourceRecord(String source, String contentHash, long sizeBytes, int chunkCount, Instant ingestedAt,
                           Instant firstSeenAt, Set<String> tags, Set<String> accessGroups) {
    public SourceRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(contentHash, "contentHash");
        tags = Set.copyOf(tags == null ? Set.of() : tags);
        accessGroups = Set.copyOf(accessGroups == null ? Set.of() : accessGroups);
    }

    /**
     * An entry written for the first time at {@code ingestedAt}: {@code firstSeenAt} is {@code ingestedAt}.
     * A store that already knows the source keeps its own first-seen instant.
     */
    public SourceRecord(String source, String contentHash, long sizeBytes, int chunkCount, Instant ingestedAt,
                        Set<String> tags, Set<String> accessGroups) {
        this(source, contentHash, sizeBytes, chunkCount, ingestedAt, ingestedAt, tags, accessGroups);
    }

    /** This entry with another first-seen instant. */
    public SourceRecord withFirstSeenAt(Instant instant) {
        return new SourceRecord(source, contentHash, sizeBytes, chunkCount, ingestedAt, instant, tags, accessGroups);
    }
}
