package io.knowhow.store.lucene;

import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checks on an index directory before Lucene touches it, and the translation of what Lucene throws
 * when opening one into messages that name the knowledge base and say what to do.
 */
final class IndexDirectory {
    private IndexDirectory() {}

    /**
     * Creates the directory, or checks that an existing one holds nothing but Lucene files: pointed at a
     * folder of documents by mistake, the store must not scatter index files among them.
     */
    static void prepareForWriting(Path dir, String location) {
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " is a file, not a directory: "
                    + "give the index directory of a knowledge base, or a new one");
        try {
            Files.createDirectories(dir);
            checkOnlyLuceneFiles(dir, location);
        } catch (IOException e) {
            throw new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
        }
    }

    static void checkOnlyLuceneFiles(Path dir, String location) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            Optional<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(name -> !isLuceneFile(name) && !name.startsWith("."))
                    .sorted().findFirst();
            if (foreign.isPresent())
                throw new KnowledgeBaseUnavailableException("Knowledge base " + location + " is not a knowhow index: it holds "
                        + "other files (e.g. " + foreign.get() + "); give the index directory of a knowledge base, "
                        + "or an empty or new directory");
        }
    }

    /** What a directory's file names say about the index in it. */
    enum State {
        /** No index: no commit point and no segment files (maybe a lock or an unfinished first commit). */
        NONE,
        /** A commit point ({@code segments_N}) is there. */
        COMMITTED,
        /** Segment files without a commit point: a damaged index, never to be replaced by a new one. */
        SEGMENTS_WITHOUT_COMMIT
    }

    static State state(String[] files) {
        if (SegmentInfos.getLastCommitGeneration(files) != -1) return State.COMMITTED;
        for (String name : files)
            if (IndexFileNames.CODEC_FILE_PATTERN.matcher(name).matches()) return State.SEGMENTS_WITHOUT_COMMIT;
        return State.NONE;
    }

    /**
     * Refuses to go on when segment files have no commit point: creating an index there would commit an
     * empty index and delete every segment file that commit does not reference — the whole knowledge base.
     */
    static KnowledgeBaseUnavailableException segmentsWithoutCommit(String location) {
        return new KnowledgeBaseUnavailableException("the index in " + location + " has segment files but no commit point"
                + " — restore it from a backup (see docs/operations.md); nothing was deleted");
    }

    /** What a reader says where there is no index yet. */
    static KnowledgeBaseUnavailableException noIndexYet(String location) {
        return new KnowledgeBaseUnavailableException("no knowledge base at " + location + " yet: run `knowhow ingest PATH` first");
    }

    private static boolean isLuceneFile(String name) {
        return IndexFileNames.CODEC_FILE_PATTERN.matcher(name).matches()
                || name.startsWith(IndexFileNames.SEGMENTS)
                || name.startsWith(IndexFileNames.PENDING_SEGMENTS)
                || name.equals(IndexWriter.WRITE_LOCK_NAME);
    }

    /** What opening an index that is there threw, as the exception a user reads. */
    static RuntimeException openFailure(IOException e, String location) {
        if (e instanceof IndexFormatTooNewException)
            return new IncompatibleKnowledgeBaseException("Knowledge base " + location + " was written by a newer "
                    + "version of knowhow (Lucene index format too new: " + e.getMessage() + "): upgrade knowhow, "
                    + "or re-ingest into a new --kb", e);
        if (e instanceof IndexFormatTooOldException)
            return new IncompatibleKnowledgeBaseException("Knowledge base " + location + " was written by an older "
                    + "version of knowhow that this one cannot read (" + e.getMessage() + "): re-ingest into a new --kb", e);
        if (e instanceof CorruptIndexException || e instanceof EOFException || e instanceof NoSuchFileException
                || e instanceof FileNotFoundException)
            return new KnowledgeBaseUnavailableException("Knowledge base " + location + " is damaged (" + e.getMessage()
                    + "): restore the directory from a backup, or delete it and re-ingest", e);
        return new KnowledgeBaseUnavailableException("Cannot open knowledge base " + location + ": " + e, e);
    }
}
