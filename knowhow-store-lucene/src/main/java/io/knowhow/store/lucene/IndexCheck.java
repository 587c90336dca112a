package io.knowhow.store.lucene;

import io.knowhow.core.port.StoreCheck;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.Lock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.knowhow.store.lucene.IndexLayout.CHUNK_COUNT;
import static io.knowhow.store.lucene.IndexLayout.FORMAT_KEY;
import static io.knowhow.store.lucene.IndexLayout.KIND;
import static io.knowhow.store.lucene.IndexLayout.KIND_CHUNK;
import static io.knowhow.store.lucene.IndexLayout.KIND_SOURCE;
import static io.knowhow.store.lucene.IndexLayout.SOURCE;

/**
 * Checks an index without changing it: Lucene's {@link CheckIndex} (every file's checksum and the
 * consistency of every segment), then knowhow's own rules — the commit names its format and embedder, and
 * every source's manifest entry counts exactly the chunks stored for it.
 *
 * <p>{@code CheckIndex} normally takes the {@code write.lock}; here it gets a lock that is never held,
 * so it reads beside a running writer. A writer that commits during the check may delete files the check
 * was about to read; a check that found problems while the commit generation moved is run again (up to
 * three times) before it reports them.
 */
final class IndexCheck {
    private static final int ATTEMPTS = 3;

    private IndexCheck() {}

    static StoreCheck run(Directory dir) throws IOException {
        StoreCheck result = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long generation = SegmentInfos.getLastCommitGeneration(dir);
            result = once(dir);
            if (result.ok() || SegmentInfos.getLastCommitGeneration(dir) == generation) return result;
        }
        return result;
    }

    private static StoreCheck once(Directory dir) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CheckIndex.Status status;
        try (CheckIndex checker = new CheckIndex(dir, NOT_A_LOCK);
             PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            checker.setInfoStream(out, false);
            checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
            status = checker.checkIndex();
        }
        List<String> problems = new ArrayList<>();
        long documents = 0;
        if (status.missingSegments) {
            problems.add("cannot read the commit point " + (status.segmentsFileName == null ? "(segments_N)" : status.segmentsFileName)
                    + ": " + lastLines(log));
        }
        if (status.toolOutOfDate) problems.add("the index was written by a newer Lucene than this knowhow's");
        if (status.segmentInfos != null) {
            for (CheckIndex.Status.SegmentInfoStatus segment : status.segmentInfos) {
                documents += segment.maxDoc;
                if (segment.error != null)
                    problems.add("segment " + segment.name + " (" + segment.numFiles + " files" + (segment.compound ? ", compound " + segment.name + ".cfs" : "")
                            + "): " + describe(segment.error));
            }
        }
        if (problems.isEmpty() && !status.clean) problems.add("Lucene's check failed: " + lastLines(log));
        if (problems.isEmpty()) problems.addAll(knowhowRules(dir));
        return new StoreCheck(problems.isEmpty(), status.numSegments, documents, problems);
    }

    /** The commit names a knowhow format, and each manifest entry counts exactly its stored chunks. */
    private static List<String> knowhowRules(Directory dir) throws IOException {
        List<String> problems = new ArrayList<>();
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
            Map<String, String> data = reader.getIndexCommit().getUserData();
            if (!data.containsKey(FORMAT_KEY)) problems.add("the commit has no " + FORMAT_KEY + ": not an index knowhow wrote");
            else if (IndexIdentity.read(data).isEmpty()) problems.add("the commit does not record its embedder and dimension");
            IndexSearcher searcher = new IndexSearcher(reader);
            Map<String, Integer> declared = new HashMap<>();
            StoredFields stored = searcher.storedFields();
            TermQuery sources = new TermQuery(new Term(KIND, KIND_SOURCE));
            int count = searcher.count(sources);
            if (count > 0) for (ScoreDoc sd : searcher.search(sources, count).scoreDocs) {
                Document doc = stored.document(sd.doc);
                if (declared.put(doc.get(SOURCE), doc.getField(CHUNK_COUNT).numericValue().intValue()) != null)
                    problems.add("source " + doc.get(SOURCE) + " has two manifest entries");
            }
            Map<String, Integer> found = new HashMap<>();
            TermQuery chunks = new TermQuery(new Term(KIND, KIND_CHUNK));
            count = searcher.count(chunks);
            if (count > 0) for (ScoreDoc sd : searcher.search(chunks, count).scoreDocs)
                found.merge(stored.document(sd.doc).get(SOURCE), 1, Integer::sum);
            declared.forEach((source, n) -> {
                int actual = found.getOrDefault(source, 0);
                if (actual != n) problems.add("source " + source + " declares " + n + " chunks but has " + actual);
            });
            found.keySet().stream().filter(s -> !declared.containsKey(s)).sorted()
                    .forEach(s -> problems.add("source " + s + " has chunks but no manifest entry"));
        }
        return problems;
    }

    private static String describe(Throwable error) {
        StringBuilder sb = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause())
            sb.append("; caused by ").append(cause.getMessage());
        return sb.toString();
    }

    private static String lastLines(ByteArrayOutputStream log) {
        String[] lines = log.toString(StandardCharsets.UTF_8).strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length)).strip();
    }

    /** Given to CheckIndex instead of the write lock, which a check must neither need nor take. */
    private static final Lock NOT_A_LOCK = new Lock() {
        @Override
        public void close() {}

        @Override
        public void ensureValid() {}
    };
}
