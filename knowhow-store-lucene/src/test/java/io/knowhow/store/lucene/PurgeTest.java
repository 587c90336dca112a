package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStoreContract;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.knowhow.core.port.KnowledgeStoreContract.DIMENSION;
import static io.knowhow.core.port.KnowledgeStoreContract.EMBEDDER_ID;
import static io.knowhow.core.port.KnowledgeStoreContract.chunk;
import static io.knowhow.core.port.KnowledgeStoreContract.embedded;
import static io.knowhow.core.port.KnowledgeStoreContract.record;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Purging: after {@link LuceneKnowledgeStore#purgeDeleted()}, the text of a deleted source and of a replaced
 * version is in no byte of any index file, and Lucene sees no deleted document and no term of them.
 */
class PurgeTest {
    private static final long SEED = 20250611L;

    @TempDir
    Path dir;

    @Test
    void deletedAndReplacedTextIsInNoFileAfterAPurge() throws IOException {
        Random random = new Random(SEED);
        String deletedToken = token(random), replacedToken = token(random);
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(dir, EMBEDDER_ID, DIMENSION)) {
            // Each in a segment with live documents: Lucene drops a segment whose documents are all deleted by itself.
            store.replaceSources(List.of(update("keep0", "ordinary words about topic 0", 20),
                    update("secret", "the launch code is " + deletedToken, 3)));
            store.replaceSources(List.of(update("keep1", "ordinary words about topic 1", 20),
                    update("revised", "the old password was " + replacedToken, 3)));
            for (int s = 2; s < 5; s++) store.replaceSources(List.of(update("keep" + s, "ordinary words about topic " + s, 20)));
            store.replaceSources(List.of(update("revised", "the password was rotated", 3)));
            store.deleteSource("secret");

            assertThat(filesContaining(deletedToken)).as("fixture: before a purge the deleted text is still on disk").isNotEmpty();
            assertThat(filesContaining(replacedToken)).as("fixture: so is the replaced version").isNotEmpty();
            assertThat(deletedDocs()).as("fixture: the index has deleted documents").isPositive();

            store.purgeDeleted();

            assertThat(filesContaining(deletedToken)).as("files holding the deleted text (seed " + SEED + ")").isEmpty();
            assertThat(filesContaining(replacedToken)).as("files holding the replaced text (seed " + SEED + ")").isEmpty();
            try (FSDirectory fs = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(fs); Analyzer analyzer = IndexLayout.analyzer()) {
                assertThat(reader.numDeletedDocs()).isZero();
                for (LeafReaderContext leaf : reader.leaves()) assertThat(leaf.reader().hasDeletions()).isFalse();
                assertThat(reader.docFreq(new Term(IndexLayout.SOURCE, "secret"))).as("the deleted source's term").isZero();
                assertThat(reader.docFreq(new Term(IndexLayout.CONTENT, analyzed(analyzer, deletedToken)))).isZero();
                assertThat(reader.docFreq(new Term(IndexLayout.CONTENT, analyzed(analyzer, replacedToken)))).isZero();
                assertThat(reader.docFreq(new Term(IndexLayout.SOURCE, "revised"))).as("the current version stays").isEqualTo(4);
            }
            assertThat(store.chunks("revised")).extracting(Chunk::text).allMatch(t -> t.contains("rotated"));
            assertThat(store.sources()).hasSize(6);
        }
    }

    /** 40 random letters and digits ending in a digit, so no stemmer shortens it and it occurs nowhere else. */
    private static String token(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder("zq");
        for (int i = 0; i < 37; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.append('7').toString();
    }

    private static SourceUpdate update(String source, String text, int chunks) {
        List<EmbeddedChunk> embedded = IntStream.range(0, chunks).mapToObj(i -> embedded(chunk(source, i, text + " part " + i))).toList();
        return new SourceUpdate(record(source, chunks), embedded);
    }

    private List<String> filesContaining(String token) throws IOException {
        byte[] needle = token.getBytes(StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList())
                if (indexOf(Files.readAllBytes(file), needle) >= 0) found.add(file.getFileName().toString());
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private int deletedDocs() throws IOException {
        try (FSDirectory fs = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(fs)) {
            return reader.numDeletedDocs();
        }
    }

    private static String analyzed(Analyzer analyzer, String word) throws IOException {
        try (TokenStream tokens = analyzer.tokenStream(IndexLayout.CONTENT, word)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            assertThat(tokens.incrementToken()).isTrue();
            String result = term.toString();
            tokens.end();
            return result;
        }
    }
}
