package io.knowhow.store.lucene;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.stream.Stream;

import static io.knowhow.store.lucene.IndexLayout.INDEX_DIR;

/**
 * Copies the files of an index's last commit into a new knowledge-base directory. The caller holds the
 * knowledge base's writer lock, so no commit deletes them meanwhile; readers go on reading. The copy goes
 * to {@code TARGET/index.partial}, is synced and verified (every file's checksum, by opening it), and only
 * then renamed {@code TARGET/index}: a backup that was interrupted is never taken for a complete one.
 */
final class IndexBackup {
    private static final String PARTIAL = INDEX_DIR + ".partial";

    private IndexBackup() {}

    /** @return the number of files copied */
    static int copy(Path indexDir, Path target) throws IOException {
        Files.createDirectories(target);
        Path partial = target.resolve(PARTIAL);
        IndexSwap.deleteTree(partial);
        Files.createDirectories(partial);
        Collection<String> files;
        try (Directory source = FSDirectory.open(indexDir)) {
            files = SegmentInfos.readLatestCommit(source).files(true);
        }
        for (String name : files) Files.copy(indexDir.resolve(name), partial.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        for (String name : files) IOUtils.fsync(partial.resolve(name), false);
        IOUtils.fsync(partial, true);
        verify(partial);
        Files.move(partial, target.resolve(INDEX_DIR), StandardCopyOption.ATOMIC_MOVE);
        IOUtils.fsync(target, true);
        return files.size();
    }

    private static void verify(Path copy) throws IOException {
        try (Directory dir = FSDirectory.open(copy); DirectoryReader reader = DirectoryReader.open(dir)) {
            for (LeafReaderContext leaf : reader.leaves()) leaf.reader().checkIntegrity();
        }
    }

    /** True when {@code target} may receive a backup: absent, or an empty directory. */
    static boolean usableTarget(Path target) throws IOException {
        if (!Files.exists(target)) return true;
        if (!Files.isDirectory(target)) return false;
        try (Stream<Path> entries = Files.list(target)) {
            return entries.findAny().isEmpty();
        }
    }
}
