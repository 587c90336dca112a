package io.knowhow.store.lucene;

import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A file-system directory that, once armed, copies its files aside at the moment a commit becomes (or is
 * about to become) durable. The copy is what a process killed at that instant leaves on disk, which
 * makes crash tests deterministic: no process has to be killed at the right moment.
 *
 * <p>Lucene publishes a commit by renaming {@code pending_segments_N} to {@code segments_N}; before that
 * rename every file of the new commit is written and synced, but no reader can see it.
 */
final class CrashingDirectory extends FilterDirectory {
    enum Moment {
        /** Just before the rename: the commit's files are all on disk, the commit point is not. */
        BEFORE_COMMIT_POINT,
        /** Just after the rename. */
        AFTER_COMMIT_POINT
    }

    private final Path path;
    private Moment moment;
    private Path snapshot;

    CrashingDirectory(Path path) throws IOException {
        super(FSDirectory.open(path));
        this.path = path;
    }

    /**
     * At the next commit, copies all files to {@code snapshot} at {@code moment}. Before the commit point
     * the commit then fails with an {@link IOException}, as the write of a dying process would.
     */
    void crashAtNextCommit(Moment moment, Path snapshot) {
        this.moment = moment;
        this.snapshot = snapshot;
    }

    @Override
    public void rename(String source, String dest) throws IOException {
        Moment now = moment;
        if (now == null || !dest.startsWith(IndexFileNames.SEGMENTS)) {
            super.rename(source, dest);
            return;
        }
        moment = null;
        if (now == Moment.AFTER_COMMIT_POINT) {
            super.rename(source, dest);
            copyFilesTo(snapshot);
        } else {
            copyFilesTo(snapshot);
            throw new IOException("simulated crash before " + dest + " was written");
        }
    }

    private void copyFilesTo(Path target) throws IOException {
        Files.createDirectories(target);
        List<Path> files;
        try (Stream<Path> list = Files.list(path)) {
            files = list.toList();
        }
        for (Path file : files) Files.copy(file, target.resolve(file.getFileName()));
    }
}
