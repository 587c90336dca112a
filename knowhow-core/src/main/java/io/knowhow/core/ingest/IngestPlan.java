package io.knowhow.core.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one ingest run should do.
 *
 * <p>Labels stick: a source keeps the tags and access groups it was given until a run names new ones. An empty
 * {@code tags} or {@code accessGroups} means "keep what is stored" (new sources get no tags, and the access groups
 * their synced folder's other sources share, else none); {@code Optional.of(Set.of())} means "none" — for access
 * groups, making the files public, which a caller must ask for explicitly.
 *
 * @param files         the files to ingest (folders already expanded)
 * @param syncedFolders folders given by the user: a stored source under one of them whose file no
 *                      longer exists is removed, so re-ingesting a folder mirrors it
 * @param tags          labels put on every chunk of these files; empty to keep each source's own
 * @param accessGroups  groups that may read these files; empty to keep each source's own
 * @param maxFileBytes  larger files are refused by name before a byte is read
 */
public record IngestPlan(List<Path> files, List<Path> syncedFolders, Optional<Set<String>> tags,
                         Optional<Set<String>> accessGroups, long maxFileBytes) {
    /** Files above this size are refused unless a plan says otherwise: big enough for a book-length PDF. */
    public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;

    public IngestPlan {
        files = List.copyOf(files);
        syncedFolders = List.copyOf(syncedFolders == null ? List.of() : syncedFolders);
        tags = tags == null ? Optional.empty() : tags.map(Set::copyOf);
        accessGroups = accessGroups == null ? Optional.empty() : accessGroups.map(Set::copyOf);
        if (maxFileBytes < 1) throw new IllegalArgumentException("the largest file size must be positive, got " + maxFileBytes);
    }

    /** A plan that sets exactly these tags and groups on every file (none: public and untagged). */
    public IngestPlan(List<Path> files, List<Path> syncedFolders, Set<String> tags, Set<String> accessGroups) {
        this(files, syncedFolders, Optional.of(tags == null ? Set.of() : tags), Optional.of(accessGroups == null ? Set.of() : accessGroups),
                DEFAULT_MAX_FILE_BYTES);
    }

    /** The source key of a file: its absolute, normalised path, whatever directory knowhow runs from. */
    public static String sourceKey(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }
}
