package io.knowhow.core.ingest;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestReport.Outcome;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Document;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.Section;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.DocumentParser;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.core.testing.InMemoryKnowledgeStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingest loop on fakes: skipping unchanged files, reporting bad ones, and losing nothing on a failed write. */
class IngestorTest {
    @TempDir
    Path tmp;

    /** Reads files as plain text; "BAD" content is unreadable. */
    static final DocumentParser PARSER = new DocumentParser() {
        @Override
        public Document parse(Path file, String source) throws UnreadableDocumentException {
            try {
                String text = Files.readString(file);
                if (text.startsWith("BAD")) throw new UnreadableDocumentException(file + " is not a valid document");
                return new Document(source, file.getFileName().toString(), List.of(new Section(List.of(), text)), Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean supports(Path file) {
            return true;
        }
    };

    static final Embedder EMBEDDER = new Embedder() {
        @Override
        public List<float[]> embedAll(List<String> passages) {
            return passages.stream().map(p -> new float[] {1, 0}).toList();
        }

        @Override
        public float[] embedQuery(String query) {
            return new float[] {1, 0};
        }

        @Override
        public EmbedderInfo info() {
            return new EmbedderInfo("fake", 2, 512);
        }
    };

    private final InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create(new StoreIdentity("fake", 2));
    private final Ingestor ingestor = new Ingestor(PARSER,
            new SentenceChunker(t -> t.isBlank() ? 0 : t.strip().split("\\s+").length, ChunkingOptions.DEFAULT), EMBEDDER, store);

    private List<Path> files(int n, String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(Files.writeString(tmp.resolve(prefix + i + ".txt"), "Document " + i + " says hello."));
        return out;
    }

    private IngestReport ingest(List<Path> files) {
        return ingestor.ingest(new IngestPlan(files, List.of(tmp), null, null), IngestListener.NONE);
    }

    @Test
    void manySmallFilesAreWrittenInFewCommitsAndReingestingIsANoOp() throws IOException {
        List<Path> files = files(100, "f");

        IngestReport first = ingest(files);
        assertThat(first.count(Outcome.ADDED)).isEqualTo(100);
        assertThat(store.writes()).isEqualTo(2); // batches of 64 files

        IngestReport second = ingest(files);
        assertThat(second.count(Outcome.UNCHANGED)).isEqualTo(100);
        assertThat(store.writes()).isEqualTo(2);
    }

    @Test
    void aBadFileIsReportedByNameAndTheOthersAreStored() throws IOException {
        List<Path> files = files(3, "g");
        Files.writeString(files.get(1), "BAD bytes");

        IngestReport report = ingest(files);

        assertThat(report.count(Outcome.ADDED)).isEqualTo(2);
        assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.error()).contains("g1.txt"));
        assertThat(store.sources()).hasSize(2);
    }

    @Test
    void aFailedWriteLosesNothingStoredAndTheNextRunFinishesTheJob() throws IOException {
        List<Path> files = files(3, "h");
        ingest(files);
        List<SourceRecord> before = store.sources();
        Map<String, List<Chunk>> chunksBefore = new TreeMap<>();
        for (SourceRecord r : before) chunksBefore.put(r.source(), store.chunks(r.source()));
        Files.writeString(files.get(0), "Document zero now says goodbye.");
        Files.writeString(tmp.resolve("h9.txt"), "A new document.");
        List<Path> next = new ArrayList<>(files);
        next.add(tmp.resolve("h9.txt"));

        store.failNextWrite();
        IngestReport failed = ingest(next);

        assertThat(failed.count(Outcome.FAILED)).isEqualTo(2);
        assertThat(failed.failures()).allSatisfy(f -> assertThat(f.error()).contains("No space left on device"));
        assertThat(store.sources()).isEqualTo(before);
        for (SourceRecord r : before) assertThat(store.chunks(r.source())).isEqualTo(chunksBefore.get(r.source()));

        IngestReport retry = ingest(next);
        assertThat(retry.count(Outcome.UPDATED)).isEqualTo(1);
        assertThat(retry.count(Outcome.ADDED)).isEqualTo(1);
        assertThat(store.chunks(IngestPlan.sourceKey(files.get(0))).get(0).text()).contains("goodbye");
    }

    @Test
    void filesGoneFromAnIngestedFolderAreRemoved() throws IOException {
        List<Path> files = files(3, "k");
        ingest(files);
        Files.delete(files.get(2));

        IngestReport report = ingest(files.subList(0, 2));

        assertThat(report.count(Outcome.REMOVED)).isEqualTo(1);
        assertThat(store.source(IngestPlan.sourceKey(files.get(2)))).isEmpty();
    }
}
