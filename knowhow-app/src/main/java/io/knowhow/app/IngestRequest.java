package io.knowhow.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What to ingest: files and folders (folders are synced: files gone from them are removed), and the labels to
 * give them. Labels stick: a source keeps its tags and access groups until a request names new ones, and a new
 * file in a restricted folder gets the groups its neighbours share, so a re-ingest that forgets {@code --group}
 * never makes restricted text public. Making files public is its own explicit request ({@link #makePublic}).
 *
 * <p>Symbolic links are followed only where they lead inside the named files and folders: a link to /etc/passwd or
 * to another team's folder inside docs/ is skipped and reported, since ingesting it would show it to every reader of
 * docs/. {@link #followingLinks()} follows every link. Either way a file is ingested once, under its real path.
 *
 * @param paths       files and folders
 * @param tags        labels for the chunks; empty to keep each source's own
 * @param groups      access groups that may read the files; empty to keep each source's own; {@code Optional.of(Set.of())}
 *                    makes them public
 * @param followLinks follow symbolic links that lead out of the named paths too
 */
public record IngestRequest(List<Path> paths, Optional<Set<String>> tags, Optional<Set<String>> groups, boolean followLinks) {
    public IngestRequest {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) throw new IllegalArgumentException("nothing to ingest: give at least one file or folder");
        tags = tags == null ? Optional.empty() : tags.map(Set::copyOf);
        groups = groups == null ? Optional.empty() : groups.map(Set::copyOf);
        if (groups.isPresent()) for (String g : groups.get())
            if (g.isBlank()) throw new IllegalArgumentException("an access group name must not be blank");
    }

    /** A request that follows symbolic links only inside the named paths. */
    public IngestRequest(List<Path> paths, Optional<Set<String>> tags, Optional<Set<String>> groups) {
        this(paths, tags, groups, false);
    }

    /** These paths, keeping every source's labels. */
    public static IngestRequest of(Path... paths) {
        return new IngestRequest(List.of(paths), Optional.empty(), Optional.empty());
    }

    /** Sets these tags (replacing each source's). */
    public IngestRequest withTags(Set<String> newTags) {
        return new IngestRequest(paths, Optional.of(newTags), groups, followLinks);
    }

    /** Follows every symbolic link, also those leading out of the named paths (the user vouches for their targets). */
    public IngestRequest followingLinks() {
        return new IngestRequest(paths, tags, groups, true);
    }

    /** Restricts the files to these access groups (replacing each source's). */
    public IngestRequest restrictedTo(Set<String> newGroups) {
        if (newGroups.isEmpty()) throw new IllegalArgumentException("no groups given: to make files public, ask for it with makePublic()");
        return new IngestRequest(paths, tags, Optional.of(newGroups), followLinks);
    }

    /** Makes the files readable by everyone, removing any access groups they had. */
    public IngestRequest makePublic() {
        return new IngestRequest(paths, tags, Optional.of(Set.of()), followLinks);
    }
}
