package io.knowhow.store.lucene;

import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

import static io.knowhow.store.lucene.IndexLayout.INDEX_DIR;
import static io.knowhow.store.lucene.IndexLayout.PREVIOUS_DIR;
import static io.knowhow.store.lucene.IndexLayout.REINDEX_DIR;

/**
 * Swapping an index built beside the current one into its place, and finishing or undoing a swap or
 * build that a killed process left half done. The states and what each means are listed in
 * {@link IndexLayout}; the rule behind them: {@code index.previous} exists only once the new index is
 * complete, so with it present {@code index.reindex} is to be finished, and without it, to be discarded.
 *
 * <p>{@link #swap} and {@link #recover} change the directory and need the knowledge base's writer lock;
 * {@link #readable} changes nothing and is for readers that cannot take it.
 */
final class IndexSwap {
    private IndexSwap() {}

    static Path index(Path kbDir) {
        return kbDir.resolve(INDEX_DIR);
    }

    static Path reindex(Path kbDir) {
        return kbDir.resolve(REINDEX_DIR);
    }

    static Path previous(Path kbDir) {
        return kbDir.resolve(PREVIOUS_DIR);
    }

    /** True when no swap or build left anything behind: the state every open finds but the first after a kill. */
    static boolean clean(Path kbDir) {
        return !Files.exists(previous(kbDir)) && !Files.exists(reindex(kbDir));
    }

    /**
     * Where the last complete index is, without changing anything: {@code index} if it exists; in the middle of
     * a swap ({@code previous + reindex}) the new one; {@code previous} alone; else null (no index, or only a
     * build that never finished).
     */
    static Path readable(Path kbDir) {
        if (Files.isDirectory(index(kbDir))) return index(kbDir);
        boolean previous = Files.isDirectory(previous(kbDir));
        if (previous && Files.isDirectory(reindex(kbDir))) return reindex(kbDir);
        if (previous) return previous(kbDir);
        return null;
    }

    /**
     * Completes or undoes what a killed swap or build left, so that only {@code index} remains (if there was
     * one). Needs the writer lock: nobody else may be building or swapping.
     */
    static void recover(Path kbDir) throws IOException {
        Path index = index(kbDir), previous = previous(kbDir), reindex = reindex(kbDir);
        if (clean(kbDir)) return;
        if (Files.exists(index)) {
            // Either the swap finished (previous is the old index) or a build never got swapped in (reindex).
            deleteTree(reindex);
            deleteTree(previous);
        } else if (Files.exists(previous) && Files.exists(reindex)) {
            // Killed between the two renames: the new index is complete, put it in place.
            move(reindex, index, kbDir);
            deleteTree(previous);
        } else if (Files.exists(previous)) {
            move(previous, index, kbDir);
        } else {
            // A first build that never finished, with no index before it.
            deleteTree(reindex);
        }
        IOUtils.fsync(kbDir, true);
    }

    /**
     * Puts the complete, closed index in {@code index.reindex} in the place of {@code index}: rename the old one
     * aside (or mark that there was none), rename the new one in, delete the old one. Each step is durable
     * before the next; a kill between any two leaves a state {@link #recover} completes.
     */
    static void swap(Path kbDir) throws IOException {
        Path index = index(kbDir), previous = previous(kbDir), reindex = reindex(kbDir);
        IOUtils.fsync(reindex, true);
        if (Files.exists(index)) move(index, previous, kbDir);
        else {
            Files.createDirectories(previous);
            IOUtils.fsync(kbDir, true);
        }
        move(reindex, index, kbDir);
        deleteTree(previous);
        IOUtils.fsync(kbDir, true);
    }

    private static void move(Path from, Path to, Path kbDir) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        IOUtils.fsync(kbDir, true);
    }

    /** Deletes a directory tree; nothing when it is not there. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) throw e;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
