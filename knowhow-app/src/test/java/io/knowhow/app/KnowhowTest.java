package io.knowhow.app;

import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.store.lucene.LuceneStoreProvider;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.rag.Strategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java API end to end on the real parts: Tika, the bundled ONNX model, the embedded Lucene store. */
class KnowhowTest {
    @TempDir
    Path tmp;
    Path kbDir;
    Path docs;

    @BeforeEach
    void corpus() throws Exception {
        kbDir = tmp.resolve("kb");
        docs = tmp.resolve("docs");
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("pricing.md"), "# Pricing\n\nThe Team plan costs $49 per editor per month.\n");
        Files.writeString(docs.resolve("ports.txt"), "The web interface listens on port 8443 over HTTPS.\n");
        Files.writeString(docs.resolve(".hidden.txt"), "Nothing to see.\n");
        Files.write(docs.resolve("photo.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G'});
    }

    private static Knowhow open(Path kb) {
        return Knowhow.builder(kb).environment(Map.of()).build();
    }

    @Test
    void ingestAskSearchDeleteThroughOneObject() {
        try (Knowhow kb = open(kbDir)) {
            assertThat(kb.exists()).isFalse();
            IngestReport report = kb.ingest(IngestRequest.of(docs), IngestListener.NONE);
            assertThat(report.count(IngestReport.Outcome.ADDED)).isEqualTo(2);
            assertThat(report.skipped()).as("hidden files and unread formats are reported, not silently dropped")
                    .extracting(IngestReport.FileResult::source).anySatisfy(s -> assertThat(s).endsWith("photo.png"))
                    .anySatisfy(s -> assertThat(s).endsWith(".hidden.txt"));
            assertThat(kb.exists()).isTrue();

            Answer a = kb.ask("How much does the Team plan cost?", AskRequest.by(Reader.anonymous()));
            assertThat(a.abstained()).isFalse();
            assertThat(a.text()).contains("$49");
            assertThat(a.citations()).first().satisfies(c -> assertThat(c.source()).endsWith("pricing.md"));

            List<Hit> hits = kb.search("port", 1, SearchMode.BM25, Filter.readableBy(Reader.anonymous()));
            assertThat(hits).singleElement().satisfies(h -> assertThat(h.chunk().source()).endsWith("ports.txt"));

            DeleteResult deleted = kb.delete(List.of(docs.resolve("pricing.md").toString(), "nowhere.md"));
            assertThat(deleted.deleted()).singleElement().asString().endsWith("pricing.md");
            assertThat(deleted.unmatched()).containsExactly("nowhere.md");
            assertThat(kb.ask("How much does the Team plan cost?", AskRequest.by(Reader.anonymous())).abstained())
                    .as("a delete shows in the very next answer of the same object").isTrue();
        }
    }

    @Test
    void restrictedSourcesAreInvisibleToReadersOutsideTheirGroups() throws Exception {
        Path secret = tmp.resolve("secret");
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("salaries.txt"), "The head of sales earns 250,000 euros a year.\n");
        try (Knowhow kb = open(kbDir)) {
            kb.ingest(IngestRequest.of(docs), IngestListener.NONE);
            kb.ingest(IngestRequest.of(secret).restrictedTo(Set.of("hr")), IngestListener.NONE);

            assertThat(kb.sources(Reader.anonymous())).extracting(SourceRecord::source).noneMatch(s -> s.endsWith("salaries.txt"));
            assertThat(kb.sources(Reader.of("sales"))).extracting(SourceRecord::source).noneMatch(s -> s.endsWith("salaries.txt"));
            assertThat(kb.sources(Reader.of("hr"))).extracting(SourceRecord::source).anyMatch(s -> s.endsWith("salaries.txt"));
            assertThat(kb.ask("How much does the head of sales earn?", AskRequest.by(Reader.anonymous())).text()).doesNotContain("250,000");
            assertThat(kb.ask("How much does the head of sales earn?", AskRequest.by(Reader.of("hr"))).text()).contains("250,000");
            String salaries = secret.resolve("salaries.txt").toAbsolutePath().toString();
            assertThat(kb.chunks(salaries, Reader.anonymous())).isEmpty();
            assertThat(kb.chunks(salaries, Reader.of("hr"))).isNotEmpty();
        }
    }

    @Test
    void aMissingPathIsAFailedResultAndTheOthersAreIngested() {
        try (Knowhow kb = open(kbDir)) {
            IngestReport report = kb.ingest(IngestRequest.of(tmp.resolve("absent.md"), docs), IngestListener.NONE);
            assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.error()).contains("absent.md").contains("does not exist"));
            assertThat(report.count(IngestReport.Outcome.ADDED)).isEqualTo(2);
        }
    }

    @Test
    void readingAKnowledgeBaseThatDoesNotExistSaysWhatToDoAndCreatesNothing() {
        Path nowhere = tmp.resolve("nowhere");
        try (Knowhow kb = open(nowhere)) {
            assertThatThrownBy(() -> kb.sources(Reader.anonymous())).hasMessageContaining("no knowledge base").hasMessageContaining("knowhow ingest");
            assertThatThrownBy(() -> kb.ask("anything?", AskRequest.by(Reader.anonymous()))).hasMessageContaining("no knowledge base");
        }
        assertThat(nowhere).doesNotExist();
    }

    @Test
    void configurationIsCheckedAsAWholeBeforeItIsWritten() {
        try (Knowhow kb = open(kbDir)) {
            kb.setConfig("llm.base-url", "http://127.0.0.1:9/v1");
            kb.setConfig("llm.model", "tiny");
            kb.setConfig("llm.context-window", "1024");
            assertThatThrownBy(() -> kb.setConfig("llm.max-tokens", "2048"))
                    .hasMessageContaining("llm.max-tokens (2048) must be smaller than llm.context-window (1024)");
            assertThat(kb.config().values()).doesNotContainKey("llm.max-tokens");
            assertThatThrownBy(() -> kb.setConfig("store.kind", "cassandra")).hasMessageContaining("store.kind 'cassandra'").hasMessageContaining("lucene");
            assertThat(kb.unsetConfig("llm.base-url")).isTrue();
        }
    }

    @Test
    void strategiesThatCannotRunSayWhy() {
        try (Knowhow kb = open(kbDir)) {
            assertThat(kb.unavailable(Strategy.TUNED)).get().asString().contains("knowhow tune");
            assertThat(kb.unavailable(Strategy.RAG)).get().asString().contains("knowhow ingest");
            assertThat(kb.unavailable(Strategy.PROMPT_ONLY)).isEmpty();
            assertThatThrownBy(() -> kb.ask("hello?", AskRequest.by(Reader.anonymous()).withStrategy(Strategy.TUNED)))
                    .hasMessageContaining("no fine-tuned model configured");
        }
    }

    @Test
    void reindexReembedsIntoTheConfiguredModelAndTheOldOneIsRefusedUntilThen() {
        try (Knowhow kb = open(kbDir)) {
            kb.ingest(IngestRequest.of(docs), IngestListener.NONE);
        }
        try (Knowhow kb = open(kbDir)) {
            kb.setConfig("embedder.model", "bge-small-en-v1.5-q");
        }
        try (Knowhow kb = open(kbDir)) {
            assertThatThrownBy(() -> kb.ask("Which port?", AskRequest.by(Reader.anonymous())))
                    .hasMessageContaining("all-minilm-l6-v2-q").hasMessageContaining("knowhow reindex");
            long[] seen = new long[2];
            ReindexResult result = kb.reindex(new ReindexListener() {
                @Override
                public void started(long totalChunks) {
                    seen[0] = totalChunks;
                }

                @Override
                public void progressed(long chunksDone) {
                    seen[1] = chunksDone;
                }
            });
            assertThat(result.changed()).isTrue();
            assertThat(result.to()).startsWith("bge-small-en-v1.5-q");
            assertThat(result.vectorsCopied()).as("another model: every chunk embedded again").isFalse();
            assertThat(seen[0]).isEqualTo(result.chunks()).isEqualTo(seen[1]).isPositive();
            assertThat(kb.ask("Which port does the web interface use?", AskRequest.by(Reader.anonymous())).text()).contains("8443");
            assertThat(kb.reindex(ReindexListener.NONE).changed()).isFalse();
        }
    }

    /**
     * Chunks longer than the embedding window (ADR 0009): one chunk keeps the whole section, its vector reads
     * the beginning, and a fact near its end is still found — by BM25 — and answered with that chunk cited.
     * Changing the window keeps the stored vectors usable (same model); {@code reindex --force} re-embeds them.
     */
    @Test
    void aChunkLongerThanTheEmbeddingWindowIsKeptWholeAndFoundByItsLastWords() throws Exception {
        Path longDocs = officeGuide("long");
        try (Knowhow kb = open(kbDir)) {
            kb.setConfig("chunk.max-tokens", "600");
            kb.setConfig("embedder.max-tokens", "64");
        }
        try (Knowhow kb = open(kbDir)) {
            assertThat(kb.embedder().info().maxTokens()).isEqualTo(64);
            IngestReport report = kb.ingest(IngestRequest.of(longDocs), IngestListener.NONE);
            assertThat(report.chunksWritten()).as("one chunk of ~400 tokens, not cut at the window or the model's 254").isEqualTo(1);
            Answer a = kb.ask("When does the rooftop terrace close on Fridays?", AskRequest.by(Reader.anonymous()));
            assertThat(a.abstained()).isFalse();
            assertThat(a.text()).contains("7 pm");
            assertThat(a.citations()).singleElement().satisfies(c -> assertThat(c.source()).endsWith("office.md"));
        }
        try (Knowhow kb = open(kbDir)) {
            kb.unsetConfig("embedder.max-tokens");
        }
        try (Knowhow kb = open(kbDir)) {
            // The same model reading more: the stored vectors stay usable, and --force re-embeds them with the new window.
            assertThat(kb.ask("When does the rooftop terrace close on Fridays?", AskRequest.by(Reader.anonymous())).text()).contains("7 pm");
            assertThat(kb.reindex(ReindexListener.NONE).changed()).isFalse();
            ReindexResult forced = kb.reindex(ReindexListener.NONE, true);
            assertThat(forced.changed()).isTrue();
            assertThat(forced.chunks()).isEqualTo(1);
            assertThat(kb.ask("When does the rooftop terrace close on Fridays?", AskRequest.by(Reader.anonymous())).text()).contains("7 pm");
        }
    }

    /** A folder of one section of ~400 tokens (longer than the embedding window) whose last sentence is its only fact. */
    private Path officeGuide(String folder) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(folder));
        StringBuilder text = new StringBuilder("# Office guide\n\n");
        for (int i = 0; i < 25; i++) text.append("Visitors sign in at the front desk and wear a badge at all times. ");
        text.append("The rooftop terrace closes at 7 pm on Fridays.\n");
        Files.writeString(dir.resolve("office.md"), text);
        return dir;
    }

    /**
     * A store format older than this knowhow's, with the model unchanged: reindex rebuilds it with the stored vectors
     * copied. The vectors here were made with a 64-token window the configuration no longer has, so vectors computed
     * again would differ.
     */
    @Test
    void reindexOfAnOlderStoreFormatCopiesTheVectors() throws Exception {
        Path longDocs = officeGuide("long-format");
        try (Knowhow kb = open(kbDir)) {
            kb.setConfig("embedder.max-tokens", "64");
        }
        try (Knowhow kb = open(kbDir)) {
            kb.ingest(IngestRequest.of(longDocs), IngestListener.NONE);
            kb.unsetConfig("embedder.max-tokens");
        }
        LuceneStoreProvider lucene = new LuceneStoreProvider();
        StoreLocation location = StoreLocation.of(kbDir);
        StoreIdentity identity = lucene.existing(location).orElseThrow();
        List<EmbeddedChunk> before;
        try (var reader = lucene.openForReading(location, identity)) {
            before = reader.embeddedChunks(reader.sources().getFirst().source());
        }
        // Marks the index as format 1, as a knowhow before the CJK analysis wrote it.
        try (FSDirectory dir = FSDirectory.open(kbDir.resolve("index"));
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            Map<String, String> data = new HashMap<>(SegmentInfos.readLatestCommit(dir).getUserData());
            data.put("knowhow.format", "1");
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
        assertThat(lucene.needsRebuild(location)).isTrue();

        try (Knowhow kb = open(kbDir)) {
            ReindexResult result = kb.reindex(ReindexListener.NONE);
            assertThat(result.changed()).isTrue();
            assertThat(result.vectorsCopied()).isTrue();
            assertThat(result.chunks()).isEqualTo(before.size());
            assertThat(kb.ask("When does the rooftop terrace close on Fridays?", AskRequest.by(Reader.anonymous())).text()).contains("7 pm");
        }
        assertThat(lucene.needsRebuild(location)).isFalse();
        try (var reader = lucene.openForReading(location, identity)) {
            List<EmbeddedChunk> after = reader.embeddedChunks(before.getFirst().chunk().source());
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < after.size(); i++) {
                assertThat(after.get(i).chunk()).isEqualTo(before.get(i).chunk());
                assertThat(after.get(i).vector()).containsExactly(before.get(i).vector());
            }
        }
        try (Knowhow kb = open(kbDir)) {
            ReindexResult forced = kb.reindex(ReindexListener.NONE, true);
            assertThat(forced.vectorsCopied()).isFalse();
        }
        try (var reader = lucene.openForReading(location, identity)) {
            assertThat(reader.embeddedChunks(before.getFirst().chunk().source()).getFirst().vector())
                    .as("recomputed with today's window, the vector differs").isNotEqualTo(before.getFirst().vector());
        }
    }

    @Test
    void anEmbeddingWindowForATunedEncoderIsRefusedWithTheWayOut() throws Exception {
        Path tuned = Files.createDirectories(tmp.resolve("tuned-encoder"));
        try (Knowhow kb = open(kbDir)) {
            kb.setConfig("embedder.model", tuned.toString());
            kb.setConfig("embedder.max-tokens", "64");
        }
        try (Knowhow kb = open(kbDir)) {
            assertThatThrownBy(kb::embedder).hasMessageContaining("embedder.max-tokens applies to the bundled models only")
                    .hasMessageContaining("knowhow config unset embedder.max-tokens");
        }
    }

    @Test
    void classifyAndExtractWithoutAModelSayHowToGetOne() {
        try (Knowhow kb = open(kbDir)) {
            assertThatThrownBy(() -> kb.classify("text", Optional.empty())).hasMessageContaining("knowhow tune --task classify");
            assertThatThrownBy(() -> kb.extract("text", Optional.empty())).hasMessageContaining("knowhow tune --task extract");
        }
    }
}
