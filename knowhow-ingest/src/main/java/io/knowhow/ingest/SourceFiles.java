package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 * <p>Every file is returned under its real path (symbolic links resolved), which becomes its source key: a file
 * reached through a link, through two named folders, or named directly as well is ingested once, under one name.
 *
 * <p>Inside folders, hidden entries (names starting with '.', such as .git or the knowledge base .knowhow itself)
 * and files the parser does not read are skipped. A symbolic link is followed only when it leads to a place inside
 * the roots — the folders and files the user named — unless links are followed everywhere ({@code followLinks}):
 * {@code ln -s /etc/passwd docs/passwd.txt} must not publish /etc/passwd to everyone who may read docs/. A link
 * back to a folder being walked is reported as a loop instead of being walked forever. Named pipes, devices and
 * sockets are skipped without being opened (opening a FIFO waits for a writer forever). Every such skip is
 * reported with its reason.
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
     * @param files   the files to ingest, each once, under its real path, in a stable order
     * @param skipped what was left out, in walk order
     */
    public record Selection(List<Path> files, List<Skipped> skipped) {
        public Selection {
            files = List.copyOf(files);
            skipped = List.copyOf(skipped);
        }
    }

    private final Predicate<Path> readable;
    private final boolean followLinks;

    /**
     * Follows symbolic links only within the named roots.
     *
     * @param readable which files inside folders to select, e.g. {@code parser::supports}
     */
    public SourceFiles(Predicate<Path> readable) {
        this(readable, false);
    }

    /**
     * @param readable    which files inside folders to select, e.g. {@code parser::supports}
     * @param followLinks follow symbolic links that lead out of the named folders and files too
     */
    public SourceFiles(Predicate<Path> readable, boolean followLinks) {
        this.readable = Objects.requireNonNull(readable, "readable");
        this.followLinks = followLinks;
    }

    /**
     * Expands {@code paths}. A file named directly is selected whatever its name or extension (the
     * user asked for it; the parser will say if it cannot read it), unless it is no regular file.
     *
     * @throws UnreadableDocumentException when a named path does not exist or a named folder cannot
     *                                     be listed; the message names the path
     */
    public Selection expand(List<Path> paths) throws UnreadableDocumentException {
        List<Path> roots = new ArrayList<>();
        for (Path path : paths) roots.add(realPath(path));
        Walk walk = new Walk(roots);
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            Path real = roots.get(i);
            if (Files.isDirectory(real)) {
                try {
                    walk.folder(path, real, new HashSet<>());
                } catch (IOException e) {
                    throw new UnreadableDocumentException(path + " cannot be read: " + reason(e), e);
                }
            } else if (Files.isRegularFile(real)) {
                walk.select(real);
            } else {
                walk.skipped.add(new Skipped(path, special(real)));
            }
        }
        return new Selection(walk.files, walk.skipped);
    }

    /**
     * The real path of a path a user named (symbolic links resolved): the name its file is ingested under.
     *
     * @throws UnreadableDocumentException when it does not exist or is a link loop; the message names it
     */
    public static Path realPath(Path path) throws UnreadableDocumentException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            if (isLoop(e)) throw new UnreadableDocumentException(path + " is a symbolic link loop: it never leads to a file");
            if (Files.isSymbolicLink(path)) throw new UnreadableDocumentException(path + " does not exist (it is a symbolic link to a missing file)");
            if (e instanceof java.nio.file.NoSuchFileException) throw new UnreadableDocumentException(path + " does not exist");
            throw new UnreadableDocumentException(path + " cannot be read: " + reason(e), e);
        }
    }

    /** The state of one expansion: what was found so far and which real paths were seen. */
    private final class Walk {
        final List<Path> roots;
        final List<Path> files = new ArrayList<>();
        final List<Skipped> skipped = new ArrayList<>();
        final Set<Path> seenFiles = new HashSet<>();
        final Set<Path> seenFolders = new HashSet<>();

        Walk(List<Path> roots) {
            this.roots = roots;
        }

        void select(Path real) {
            if (seenFiles.add(real)) files.add(real);
        }

        /**
         * @param shown     the folder as reached (a named path, or a link), for messages
         * @param real      its real path, which is walked
         * @param ancestors real paths of the folders being walked above this one, to tell a link
         *                  loop from a folder that is merely reached twice
         */
        void folder(Path shown, Path real, Set<Path> ancestors) throws IOException {
            if (ancestors.contains(real)) {
                skipped.add(new Skipped(shown, "symbolic link loop: leads back to " + real));
                return;
            }
            if (!seenFolders.add(real)) return; // already walked through another argument or link
            ancestors.add(real);
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(real)) {
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
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                skipped.add(new Skipped(entry, "cannot be read: " + reason(e)));
                return;
            }
            if (attrs.isRegularFile() && seenFiles.contains(entry)) {
                return; // named directly as well: selected already, not a skip to report
            }
            if (name.startsWith(".")) {
                skipped.add(new Skipped(entry, "hidden"));
            } else if (attrs.isSymbolicLink()) {
                link(entry, ancestors);
            } else if (attrs.isDirectory()) {
                try {
                    folder(entry, entry, ancestors);
                } catch (IOException e) {
                    skipped.add(new Skipped(entry, "folder cannot be read: " + reason(e)));
                }
            } else if (!attrs.isRegularFile()) {
                skipped.add(new Skipped(entry, special(entry)));
            } else if (!readable.test(entry)) {
                skipped.add(new Skipped(entry, "unsupported file type"));
            } else {
                select(entry);
            }
        }

        /** A link found in a folder: followed to its real path when that lies inside a root (or links are followed). */
        private void link(Path link, Set<Path> ancestors) {
            Path target;
            try {
                target = link.toRealPath();
            } catch (IOException e) {
                String why = isLoop(e) ? "symbolic link loop: it never leads to a file"
                        : e instanceof java.nio.file.NoSuchFileException ? "symbolic link to a missing file"
                        : "symbolic link cannot be followed: " + reason(e);
                skipped.add(new Skipped(link, why));
                return;
            }
            if (!followLinks && roots.stream().noneMatch(target::startsWith)) {
                skipped.add(new Skipped(link, "symbolic link to " + target + ", outside the folders and files named:"
                        + " not followed (--follow-links follows it)"));
                return;
            }
            if (Files.isDirectory(target)) {
                try {
                    folder(link, target, ancestors);
                } catch (IOException e) {
                    skipped.add(new Skipped(link, "folder cannot be read: " + reason(e)));
                }
            } else if (!Files.isRegularFile(target)) {
                skipped.add(new Skipped(link, special(target) + " (through a symbolic link)"));
            } else if (!seenFiles.contains(target) && !readable.test(target)) {
                skipped.add(new Skipped(link, "unsupported file type"));
            } else {
                select(target);
            }
        }
    }

    /** Why a path that is neither a file nor a folder is skipped, told from its type without opening it. */
    private static String special(Path path) {
        int type;
        try {
            type = (Integer) Files.getAttribute(path, "unix:mode") & 0170000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "not a regular file";
        }
        return switch (type) {
            case 0010000 -> "named pipe (FIFO): not opened, since reading one waits for a writer forever";
            case 0020000, 0060000 -> "device, not a regular file: not read";
            case 0140000 -> "socket, not a regular file: not read";
            default -> "not a regular file";
        };
    }

    private static boolean isLoop(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null && fse.getReason().contains("symbolic links");
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException fse && fse.getReason() != null) return fse.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
