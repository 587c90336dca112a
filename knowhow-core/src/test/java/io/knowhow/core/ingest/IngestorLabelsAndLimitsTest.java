package io.knowhow.core.ingest;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestReport.Outcome;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.testing.InMemoryKnowledgeStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Labels that stick across re-ingests, and files refused by size before they are read. */
class IngestorLabelsAndLimitsTest {
    @TempDir
    Path tmp;

    private final InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create(new StoreIdentity("fake", 2));
    private final Ingestor ingestor = new Ingestor(IngestorTest.PARSER,
            new SentenceChunker(t -> t.isBlank() ? 0 : t.strip().split("\\s+").length, ChunkingOptions.DEFAULT), IngestorTest.EMBEDDER, store);

    private IngestReport ingest(List<Path> files, Optional<Set<String>> tags, Optional<Set<String>> groups) {
        return ingestor.ingest(new IngestPlan(files, List.of(tmp), tags, groups, IngestPlan.DEFAULT_MAX_FILE_BYTES), IngestListener.NONE);
    }

    private SourceRecord stored(Path file) {
        return store.source(IngestPlan.sourceKey(file)).orElseThrow();
    }

    @Test
    void aReingestThatNamesNoLabelsKeepsTheStoredOnesAndReembedsNothing() throws Exception {
        Path secret = Files.writeString(tmp.resolve("salaries.txt"), "The head of sales earns a lot.");
        ingest(List.of(secret), Optional.of(Set.of("hr-docs")), Optional.of(Set.of("hr")));
        int writes = store.writes();

        IngestReport again = ingest(List.of(secret), Optional.empty(), Optional.empty());

        assertThat(again.count(Outcome.UNCHANGED)).isEqualTo(1);
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(stored(secret).accessGroups()).as("restricted text must not become public by omission").containsExactly("hr");
        assertThat(stored(secret).tags()).containsExactly("hr-docs");
    }

    @Test
    void aChangedFileKeepsItsLabelsToo() throws Exception {
        Path secret = Files.writeString(tmp.resolve("salaries.txt"), "The head of sales earns a lot.");
        ingest(List.of(secret), Optional.empty(), Optional.of(Set.of("hr")));
        Files.writeString(secret, "The head of sales earns even more.");

        assertThat(ingest(List.of(secret), Optional.empty(), Optional.empty()).count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(stored(secret).accessGroups()).containsExactly("hr");
        assertThat(store.chunks(IngestPlan.sourceKey(secret))).allSatisfy(c -> assertThat(c.accessGroups()).containsExactly("hr"));
    }

    @Test
    void makingFilesPublicIsAnExplicitEmptySetOfGroups() throws Exception {
        Path secret = Files.writeString(tmp.resolve("salaries.txt"), "The head of sales earns a lot.");
        ingest(List.of(secret), Optional.empty(), Optional.of(Set.of("hr")));

        assertThat(ingest(List.of(secret), Optional.empty(), Optional.of(Set.of())).count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(stored(secret).accessGroups()).isEmpty();
    }

    @Test
    void aNewFileInARestrictedFolderGetsTheGroupsItsNeighboursShare() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.txt"), "Alpha is restricted.");
        Path b = Files.writeString(tmp.resolve("b.txt"), "Bravo is restricted.");
        ingest(List.of(a, b), Optional.empty(), Optional.of(Set.of("hr")));
        Path c = Files.writeString(tmp.resolve("c.txt"), "Charlie arrived later.");

        ingest(List.of(a, b, c), Optional.empty(), Optional.empty());

        assertThat(stored(c).accessGroups()).containsExactly("hr");
    }

    @Test
    void aNewFileBesideNeighboursWithDifferentGroupsIsPublicAsBefore() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.txt"), "Alpha is restricted.");
        Path b = Files.writeString(tmp.resolve("b.txt"), "Bravo is public.");
        ingest(List.of(a), Optional.empty(), Optional.of(Set.of("hr")));
        ingest(List.of(a, b), Optional.empty(), Optional.of(Set.of()));
        ingest(List.of(a), Optional.empty(), Optional.of(Set.of("hr")));
        Path c = Files.writeString(tmp.resolve("c.txt"), "Charlie arrived later.");

        ingest(List.of(a, b, c), Optional.empty(), Optional.empty());

        assertThat(stored(c).accessGroups()).isEmpty();
        assertThat(stored(a).accessGroups()).containsExactly("hr");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedByNameBeforeItIsReadAndTheOthersAreIngested() throws Exception {
        // A sparse 2.2 GB file: reading it whole once ended the run with OutOfMemoryError and nothing ingested.
        Path huge = tmp.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(2_200_000_000L);
        }
        Path good = Files.writeString(tmp.resolve("good.txt"), "A good file.");

        IngestReport report = ingest(List.of(huge, good), Optional.empty(), Optional.empty());

        assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.error())
                .contains("huge.txt").contains("2098.1 MB").contains("ingest.max-file-bytes"));
        assertThat(report.count(Outcome.ADDED)).isEqualTo(1);
    }

    @Test
    void aLargeFileUnderTheLimitIsHashedAsAStream() throws Exception {
        Path big = tmp.resolve("big.txt");
        byte[] line = "All work and no play makes a dull corpus.\n".getBytes();
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 200_000; i++) out.write(line);
        }
        assertThat(Ingestor.sha256(big)).isEqualTo(Ingestor.sha256(Files.readAllBytes(big)));
    }

    @Test
    void newLabelsOnAnUnchangedFileAreWrittenWithoutParsingOrEmbeddingAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger embedded = new java.util.concurrent.atomic.AtomicInteger();
        io.knowhow.core.port.Embedder counting = new io.knowhow.core.port.Embedder() {
            @Override
            public List<float[]> embedAll(List<String> passages) {
                embedded.addAndGet(passages.size());
                return IngestorTest.EMBEDDER.embedAll(passages);
            }

            @Override
            public float[] embedQuery(String query) {
                return IngestorTest.EMBEDDER.embedQuery(query);
            }

            @Override
            public io.knowhow.core.port.EmbedderInfo info() {
                return IngestorTest.EMBEDDER.info();
            }
        };
        Ingestor counted = new Ingestor(IngestorTest.PARSER,
                new SentenceChunker(t -> t.isBlank() ? 0 : t.strip().split("\\s+").length, ChunkingOptions.DEFAULT), counting, store);
        Path secret = Files.writeString(tmp.resolve("salaries.txt"), "The head of sales earns a lot.");
        counted.ingest(new IngestPlan(List.of(secret), List.of(tmp), Optional.empty(), Optional.empty(), IngestPlan.DEFAULT_MAX_FILE_BYTES),
                IngestListener.NONE);
        int afterFirst = embedded.get();

        IngestReport relabel = counted.ingest(new IngestPlan(List.of(secret), List.of(tmp), Optional.of(Set.of("hr-docs")), Optional.of(Set.of("hr")),
                IngestPlan.DEFAULT_MAX_FILE_BYTES), IngestListener.NONE);

        assertThat(relabel.count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(embedded.get()).as("nothing embedded again for new labels").isEqualTo(afterFirst);
        assertThat(stored(secret).accessGroups()).containsExactly("hr");
        assertThat(store.chunks(IngestPlan.sourceKey(secret))).allSatisfy(c -> {
            assertThat(c.accessGroups()).containsExactly("hr");
            assertThat(c.tags()).containsExactly("hr-docs");
        });
    }
}
