package io.knowhow.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What to ingest: files and folders (folders are synced: files gone from them are removed), with tags
 * and access groups for every file.
 *
 * @param paths  files and folders
 * @param tags   labels for the chunks
 * @param groups access groups that may read the files; empty means public
 */
public record IngestRequest(List<Path> paths, Set<String> tags, Set<String> groups) {
    public IngestRequest {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) throw new IllegalArgumentException("nothing to ingest: give at least one file or folder");
        tags = Set.copyOf(tags == null ? Set.of() : tags);
        groups = Set.copyOf(groups == null ? Set.of() : groups);
    }

    public static IngestRequest of(Path... paths) {
        return new IngestRequest(List.of(paths), Set.of(), Set.of());
    }
}
