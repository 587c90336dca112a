package io.knowhow.core.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What one ingest run should do.
 *
 * @param files        the files to ingest (folders already expanded)
 * @param syncedFolders folders given by the user: a stored source under one of them whose file no
 *                     longer exists is removed, so re-ingesting a folder mirrors it
 * @param tags         labels put on every chunk of these files
 * @param accessGroups groups that may read these files; empty means everyone
 */
public record IngestPlan(List<Path> files, List<Path> syncedFolders, Set<String> tags, Set<String> accessGroups) {
    public IngestPlan {
        files = List.copyOf(files);
        syncedFolders = List.copyOf(syncedFolders == null ? List.of() : syncedFolders);
        tags = Set.copyOf(tags == null ? Set.of() : tags);
        accessGroups = Set.copyOf(accessGroups == null ? Set.of() : accessGroups);
    }

    /** The source key of a file: its absolute, normalised path, whatever directory knowhow runs from. */
    public static String sourceKey(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }
}
