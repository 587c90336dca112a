package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Expands the paths a user names into the files to ingest: files as given, folders walked
 * recursively in sorted order, and a report of what was skipped and why.
 *
 * <p>Inside folders, hidden entries (names starting with '.', such as .git or the knowledge base
 * .knowhow itself) and files the parser does not read are skipped. Symbolic links are followed;
 * a link back to a folder being walked is reported as a loop instead of being walked forever, and
 * a file reached twice (through two arguments or a link) is listed once.
 *
 * <p>The order is deterministic: arguments in the order given, folder entries sorted by name
 * ({@link String#compareTo}, the same on every platform), so repeated runs ingest alike.
 */
public final class SourceFiles {

    /** A path that was not selected, with the reason in words. */
    public record Skipped(Path path, String reason) {
        public Skipped {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The outcome of {@link #expand}.
     *
     * @param files   the files to ingest, in a stable order, each once
     * @param skipped what was left out inside folders, in walk order
     */
    public record Selection(List<Path> files, List<Skipped> skipped) {
        public Selection {
            files = List.copyOf(files);
            skipped = List.copyOf(skipped);
        }
    }

    private final Predicate<Path> readable;

    /**
     * @param readable which files inside folders to select, e.g. {@code parser::supports}
     */
    public SourceFiles(Predicate<Path> readable) {
        this.readable = Objects.requireNonNull(readable, "readable");
    }

    /**
     * Expands {@code paths}. A file named directly is selected whatever its name or extension (the
     * user asked for it; the parser will say if it cannot read it).
     *
     * @throws UnreadableDocumentException when a named path does not exist or a named folder cannot
     *                                     be listed; the message names the path
     */
    public Selection expand(List<Path> paths) throws UnreadableDocumentException {
        Walk walk = new Walk();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                String why = Files.isSymbolicLink(path) ? " (it is a symbolic link to a missing file)" : "";
                throw new UnreadableDocumentException(path + " does not exist" + why);
            }
            if (Files.isDirectory(path)) {
                try {
                    walk.folder(path, new HashSet<>());
                } catch (IOException e) {
                    throw new UnreadableDocumentException(path + " cannot be read: " + reason(e), e);
                }
            } else {
                walk.select(path);
            }
        }
        return new Selection(walk.files, walk.skipped);
    }

    /** The state of one expansion: what was found so far and which real paths were seen. */
    private final class Walk {
        final List<Path> files = new ArrayList<>();
        final List<Skipped> skipped = new ArrayList<>();
        final Set<Path> seenFiles = new HashSet<>();
        final Set<Path> seenFolders = new HashSet<>();

        void select(Path file) {
            if (seenFiles.add(realPath(file))) files.add(file);
        }

        /**
         * @param ancestors real paths of the folders being walked above this one, to tell a link
         *                  loop from a folder that is merely reached twice
         */
        void folder(Path folder, Set<Path> ancestors) throws IOException {
            Path real = folder.toRealPath();
            if (ancestors.contains(real)) {
                skipped.add(new Skipped(folder, "symbolic link loop: leads back to " + real));
                return;
            }
            if (!seenFolders.add(real)) return; // already walked through another argument or link
            ancestors.add(real);
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
                stream.forEach(entries::add);
            }
            entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
            for (Path entry : entries) {
                entry(entry, ancestors);
            }
            ancestors.remove(real);
        }

        private void entry(Path entry, Set<Path> ancestors) {
            String name = entry.getFileName().toString();
            if (!Files.isDirectory(entry) && seenFiles.contains(realPath(entry))) {
                return; // named directly as well: selected already, not a skip to report
            }
            if (name.startsWith(".")) {
                skipped.add(new Skipped(entry, "hidden"));
            } else if (Files.isDirectory(entry)) {
                try {
                    folder(entry, ancestors);
                } catch (IOException e) {
                    skipped.add(new Skipped(entry, "folder cannot be read: " + reason(e)));
                }
            } else if (!Files.exists(entry)) {
                skipped.add(new Skipped(entry, "symbolic link to a missing file"));
            } else if (!Files.isRegularFile(entry)) {
                skipped.add(new Skipped(entry, "not a regular file"));
            } else if (!readable.test(entry)) {
                skipped.add(new Skipped(entry, "unsupported file type"));
            } else {
                select(entry);
            }
        }
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
