package io.knowhow.store.lucene;

import io.knowhow.core.retrieval.ScoreFusion;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.store.lucene.CrashingDirectory.Moment;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The shared contract on the default options, and what only the Lucene store promises. */
class LuceneKnowledgeStoreTest extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore openStore(Path dir, StoreIdentity identity) {
        return LuceneKnowledgeStore.open(dir, identity, LuceneStoreOptions.DEFAULTS, Duration.ZERO);
    }

    @Override
    protected ReadableKnowledgeStore openReader(Path dir, StoreIdentity identity) {
        return LuceneReadableKnowledgeStore.open(dir, identity, LuceneStoreOptions.DEFAULTS);
    }

    // ---- identity of the index

    /** The contract checks the refusal; this is its wording, which tells a user what to do. */
    @Test
    void theRefusalOfAnotherEmbedderSaysWhatToDo() {
        ingest("a", "alpha");
        store.close();

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(dir, "bge-small", DIMENSION))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("expected 'bge-small' (16 dimensions), found '" + EMBEDDER_ID + "' (16 dimensions)")
                .hasMessageContaining("re-ingest into a new --kb, or run with the model it was built with");

        store = openStore(dir, IDENTITY);
        assertThat(store.chunks("a")).as("a refused open changes nothing").hasSize(1);
    }

    @Test
    void commitRecordsEmbedderDimensionAndFormat() throws IOException {
        store.close();

        try (FSDirectory directory = FSDirectory.open(dir)) {
            assertThat(SegmentInfos.readLatestCommit(directory).getUserData()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "knowhow.format", String.valueOf(IndexLayout.FORMAT_VERSION), "knowhow.embedder", EMBEDDER_ID, "knowhow.dimension", "16"));
        }
    }

    @Test
    void aNewerStoreFormatIsRefused(@TempDir Path scratch) throws IOException {
        int newer = IndexLayout.FORMAT_VERSION + 1;
        writeForeignIndex(scratch, Map.of("knowhow.format", String.valueOf(newer), "knowhow.embedder", EMBEDDER_ID, "knowhow.dimension", "16"));

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(scratch, EMBEDDER_ID, DIMENSION))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining(scratch.toString())
                .hasMessageContaining("store format " + newer + ", newer than this knowhow's " + IndexLayout.FORMAT_VERSION);
    }

    @Test
    void aLuceneIndexKnowhowDidNotWriteIsRefused(@TempDir Path scratch) throws IOException {
        writeForeignIndex(scratch, Map.of());

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(scratch, EMBEDDER_ID, DIMENSION))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining(scratch.toString())
                .hasMessageContaining("knowhow did not write");
    }

    @Test
    void aDirectoryOfOtherFilesIsRefusedAndLeftAlone(@TempDir Path scratch) throws IOException {
        Files.writeString(scratch.resolve("notes.txt"), "not an index");

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(scratch, EMBEDDER_ID, DIMENSION))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining(scratch.toString())
                .hasMessageContaining("not a knowhow index")
                .hasMessageContaining("notes.txt");
        assertThat(list(scratch)).containsExactly("notes.txt");
    }

    @Test
    void aFileIsRefused(@TempDir Path scratch) throws IOException {
        Path file = Files.writeString(scratch.resolve("kb"), "");

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(file, EMBEDDER_ID, DIMENSION))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is a file");
    }

    @Test
    void aMissingDirectoryIsCreated(@TempDir Path scratch) {
        Path nested = scratch.resolve("kb/index");

        try (LuceneKnowledgeStore created = LuceneKnowledgeStore.open(nested, EMBEDDER_ID, DIMENSION)) {
            assertThat(created.sources()).isEmpty();
        }
        assertThat(nested).isDirectory();
    }

    @Test
    void aDamagedIndexIsRefusedNamingTheDirectory() throws IOException {
        ingest("a", "alpha");
        store.close();
        Path commit = dir.resolve(list(dir).stream().filter(n -> n.startsWith("segments_")).findFirst().orElseThrow());
        byte[] bytes = Files.readAllBytes(commit);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(commit, bytes);

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(dir, EMBEDDER_ID, DIMENSION))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("is damaged");
    }

    @Test
    void aSecondOpenWhileInUseIsRefused() {
        ingest("a", "alpha");

        assertThatThrownBy(() -> LuceneKnowledgeStore.open(dir, EMBEDDER_ID, DIMENSION))
                .isInstanceOf(KnowledgeBaseBusyException.class)
                .hasMessageContaining("knowledge base " + dir + " is busy: another knowhow process is writing to it (waited 0.0 s)")
                .hasMessageContaining("try again later or give a longer --wait");

        assertThat(store.chunks("a")).as("the first store is unaffected").hasSize(1);
        ingest("b", "bravo");
        reopen();
        assertThat(store.sources()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(VectorFormat.class)
    void anIndexOpensWithAnyVectorFormat(VectorFormat format) {
        List<Chunk> chunks = ingest("a", "alpha one", "alpha two");
        store.close();

        store = LuceneKnowledgeStore.open(dir, EMBEDDER_ID, DIMENSION, LuceneStoreOptions.DEFAULTS.withVectorFormat(format));
        List<Chunk> more = ingest("b", "alpha three");

        assertThat(store.retrieve(request(SearchMode.DENSE, "alpha", 10, Filter.NONE))).extracting(Hit::chunk)
                .containsExactlyInAnyOrder(chunks.get(0), chunks.get(1), more.get(0));
    }

    // ---- search

    @Test
    void denseScoresAreCosinesAndHybridScoresAreFused() {
        List<Chunk> chunks = ingest("a", "install the server on linux", "configure the database pool", "rotate certificates yearly");
        String query = "install server linux";

        for (Hit hit : store.retrieve(request(SearchMode.DENSE, query, 3, Filter.NONE)))
            assertThat(hit.score()).isCloseTo(cosine(embed(query), embed(hit.chunk().text())), within(1e-5));
        List<Hit> hybrid = store.retrieve(request(SearchMode.HYBRID, query, 3, Filter.NONE));
        assertThat(hybrid.getFirst().chunk()).isEqualTo(chunks.getFirst());
        // first in both lists: BM25 weight 1 plus the dense weight, each over (60 + 1) for RRF, each normalised to 1 for relative scores
        ScoreFusion fusion = LuceneStoreOptions.DEFAULTS.fusion();
        double top = (1 + fusion.denseWeight()) / (fusion.method() == ScoreFusion.Method.RRF ? ScoreFusion.RRF_K + 1 : 1);
        assertThat(hybrid.getFirst().score()).isCloseTo(top, within(1e-6));
        assertThat(store.retrieve(request(SearchMode.BM25, query, 1, Filter.NONE)).getFirst().score()).isGreaterThan(0);
    }

    @Test
    void headingsAreSearchedButNotPartOfTheText() {
        Chunk chunk = new Chunk("guide.md#0", "guide.md", 0, "Run the script as root.", List.of("Installation", "Debian"),
                0, 23, 6, Set.of(), Set.of());
        store.replaceSource(record("guide.md", 1), List.of(embedded(chunk)));

        List<Hit> hits = store.retrieve(request(SearchMode.BM25, "debian installation", 5, Filter.NONE));

        assertThat(hits).extracting(Hit::chunk).containsExactly(chunk);
    }

    @Test
    void aChunkComesBackWhole() {
        // A 600 KB single line (a real file's log dump) in one chunk; headings, labels and language in every script.
        String huge = "x".repeat(600_000) + " \uD83D\uDE00 ünïcödé 机器学习";
        Chunk chunk = new Chunk("logs/big.txt#3", "logs/big.txt", 3, huge, List.of("日志", "Über"), 17, 17 + huge.length(), 150_001,
                Set.of("ops", "raw"), Set.of("sre", "audit"), "de");
        store.replaceSource(record("logs/big.txt", 1, Set.of(), Set.of("sre", "audit")), List.of(embedded(chunk)));

        assertThat(store.chunks("logs/big.txt")).containsExactly(chunk);
        assertThat(store.retrieve(request(SearchMode.DENSE, huge, 1, Filter.readableBy(Reader.of("sre")))))
                .extracting(Hit::chunk).containsExactly(chunk);
    }

    @Test
    void englishStemmingMatchesOtherFormsOfAWord() {
        List<Chunk> chunks = ingest("a", "Installing the packages");

        assertThat(store.retrieve(request(SearchMode.BM25, "installed package", 5, Filter.NONE)))
                .extracting(Hit::chunk).containsExactlyElementsOf(chunks);
    }

    @Test
    void aQueryOfStopWordsOnlyFindsNothingByBm25() {
        ingest("a", "the and of alpha");

        assertThat(store.retrieve(request(SearchMode.BM25, "the and of", 5, Filter.NONE))).isEmpty();
    }

    @Test
    void hybridFindsWhatEachSingleModeMisses() {
        // Hand-made so that BM25 misses one relevant chunk (few shared words) and dense misses the other
        // (distant vector); each is found by the other mode, near the top. Query vector: e0.
        Chunk lexical = chunk("s", 0, "solar panel maintenance schedule");
        Chunk lexicalDecoy = chunk("s", 1, "solar panel prices");
        Chunk semantic = chunk("s", 2, "maintenance of photovoltaic modules");
        Chunk semanticDecoy = chunk("s", 3, "wind turbine blades");
        Chunk filler1 = chunk("s", 4, "coffee brewing guide");
        // Shares one common query word in a long text: the weakest BM25 match, so that min-max normalisation
        // (relative-score fusion) puts the semantic chunk above the bottom of the BM25 list.
        Chunk filler2 = chunk("s", 5, "bicycle repair tips from a panel of mechanics about chains, brakes, gears, tyres and saddles");
        store.replaceSource(record("s", 6), List.of(
                new EmbeddedChunk(lexical, vector(0, 1.0, 3, 1.0)),          // cosine 0.71
                new EmbeddedChunk(lexicalDecoy, vector(0, 0.2, 4, 3.0)),     // cosine 0.07
                new EmbeddedChunk(semantic, vector(0, 1.0, 1, 0.1)),         // cosine 0.99
                new EmbeddedChunk(semanticDecoy, vector(0, 1.0, 2, 0.5)),    // cosine 0.89
                new EmbeddedChunk(filler1, vector(0, -1.0, 5, 1.0)),
                new EmbeddedChunk(filler2, vector(6, 1.0, 7, 0.0))));
        Set<Chunk> relevant = Set.of(lexical, semantic);
        float[] query = vector(0, 1.0, 1, 0.0);

        Map<SearchMode, Double> recall = new java.util.EnumMap<>(SearchMode.class);
        for (SearchMode mode : SearchMode.values()) {
            List<Hit> hits = store.retrieve(new SearchRequest("solar panel maintenance", query, 2, mode, Filter.NONE));
            recall.put(mode, hits.stream().filter(h -> relevant.contains(h.chunk())).count() / 2.0);
        }

        assertThat(recall.get(SearchMode.BM25)).as("fixture: BM25 misses one").isEqualTo(0.5);
        assertThat(recall.get(SearchMode.DENSE)).as("fixture: dense misses one").isEqualTo(0.5);
        assertThat(recall.get(SearchMode.HYBRID)).isEqualTo(1.0)
                .isGreaterThanOrEqualTo(recall.get(SearchMode.BM25))
                .isGreaterThanOrEqualTo(recall.get(SearchMode.DENSE));
    }

    // ---- crashes and failed writes

    @Test
    void aWriteInterruptedBeforeItsCommitPointLeavesThePreviousState(@TempDir Path scratch) throws IOException {
        Path live = scratch.resolve("live");
        Path killed = scratch.resolve("killed");
        List<EmbeddedChunk> before = texts("a", "alpha old one", "alpha old two", "alpha old three");
        List<EmbeddedChunk> after = texts("a", "alpha new one", "alpha new two", "alpha new three", "alpha new four", "alpha new five");
        CrashingDirectory crashing = new CrashingDirectory(live);
        try (LuceneKnowledgeStore running = open(crashing, live)) {
            running.replaceSource(record("a", 3), before);
            crashing.crashAtNextCommit(Moment.BEFORE_COMMIT_POINT, killed);
            assertThatThrownBy(() -> running.replaceSource(record("a", 5), after)).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(list(killed)).as("the killed write got as far as preparing its commit")
                .anyMatch(name -> name.startsWith("pending_segments_"));

        try (LuceneKnowledgeStore restarted = LuceneKnowledgeStore.open(killed, EMBEDDER_ID, DIMENSION)) {
            assertThat(restarted.sources()).containsExactly(record("a", 3));
            assertThat(restarted.chunks("a")).isEqualTo(chunksOf(before));
            assertThat(allHits(restarted)).isEqualTo(3);

            restarted.replaceSource(record("a", 5), after);

            assertThat(restarted.chunks("a")).isEqualTo(chunksOf(after));
            assertThat(allHits(restarted)).as("no duplicates after re-running the write").isEqualTo(5);
        }
    }

    @Test
    void aWriteInterruptedAfterItsCommitPointShowsTheNewState(@TempDir Path scratch) throws IOException {
        Path live = scratch.resolve("live");
        Path killed = scratch.resolve("killed");
        List<EmbeddedChunk> before = texts("a", "alpha old one", "alpha old two");
        List<EmbeddedChunk> after = texts("a", "alpha new one");
        CrashingDirectory crashing = new CrashingDirectory(live);
        try (LuceneKnowledgeStore running = open(crashing, live)) {
            running.replaceSource(record("a", 2), before);
            crashing.crashAtNextCommit(Moment.AFTER_COMMIT_POINT, killed);
            running.replaceSource(record("a", 1), after);
        }

        try (LuceneKnowledgeStore restarted = LuceneKnowledgeStore.open(killed, EMBEDDER_ID, DIMENSION)) {
            assertThat(restarted.sources()).containsExactly(record("a", 1));
            assertThat(restarted.chunks("a")).isEqualTo(chunksOf(after));
            assertThat(allHits(restarted)).isEqualTo(1);
        }
    }

    @Test
    void aFailedWriteRollsBackAndTheStoreStaysUsable(@TempDir Path scratch) throws IOException {
        Path live = scratch.resolve("live");
        List<EmbeddedChunk> before = texts("a", "alpha old one", "alpha old two");
        List<EmbeddedChunk> failed = texts("b", "alpha failed one");
        List<EmbeddedChunk> after = texts("a", "alpha new one", "alpha new two", "alpha new three");
        CrashingDirectory crashing = new CrashingDirectory(live);
        try (LuceneKnowledgeStore running = open(crashing, live)) {
            running.replaceSource(record("a", 2), before);
            crashing.crashAtNextCommit(Moment.BEFORE_COMMIT_POINT, scratch.resolve("ignored"));

            assertThatThrownBy(() -> running.replaceSource(record("b", 1), failed))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("Could not replace source b in knowledge base " + live)
                    .hasMessageContaining("keeps its previous state");
            assertThat(running.sources()).containsExactly(record("a", 2));

            // The failed write's documents must not ride along with the next commit.
            running.replaceSource(record("a", 3), after);
            assertThat(running.sources()).containsExactly(record("a", 3));
            assertThat(running.chunks("a")).isEqualTo(chunksOf(after));
            assertThat(allHits(running)).isEqualTo(3);
        }
        try (LuceneKnowledgeStore reopened = LuceneKnowledgeStore.open(live, EMBEDDER_ID, DIMENSION)) {
            assertThat(reopened.sources()).containsExactly(record("a", 3));
            assertThat(reopened.chunks("a")).isEqualTo(chunksOf(after));
        }
    }

    // ---- helpers

    private static LuceneKnowledgeStore open(CrashingDirectory directory, Path location) {
        return LuceneKnowledgeStore.open(directory, location.toString(), EMBEDDER_ID, DIMENSION, LuceneStoreOptions.DEFAULTS);
    }

    private static List<EmbeddedChunk> texts(String source, String... texts) {
        return IntStream.range(0, texts.length).mapToObj(i -> embedded(chunk(source, i, texts[i]))).toList();
    }

    private static List<Chunk> chunksOf(List<EmbeddedChunk> embedded) {
        return embedded.stream().map(EmbeddedChunk::chunk).toList();
    }

    /** How many chunks a search for "alpha" returns with a large k; counts duplicates too. */
    private static int allHits(KnowledgeStore store) {
        return store.retrieve(request(SearchMode.BM25, "alpha", 1000, Filter.NONE)).size();
    }

    /** A unit vector along {@code e_i * a + e_j * b}. */
    private static float[] vector(int i, double a, int j, double b) {
        float[] v = new float[DIMENSION];
        v[i] += (float) a;
        v[j] += (float) b;
        return normalize(v);
    }

    private static void writeForeignIndex(Path path, Map<String, String> commitData) throws IOException {
        try (FSDirectory directory = FSDirectory.open(path);
             IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer()))) {
            Document doc = new Document();
            doc.add(new StringField("title", "someone else's index", Field.Store.YES));
            writer.addDocument(doc);
            writer.setLiveCommitData(commitData.entrySet());
            writer.commit();
        }
    }

    private static List<String> list(Path path) throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
