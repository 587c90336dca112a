package io.knowhow.core.port;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The behaviour every {@link KnowledgeStore} shares. An adapter extends this class and implements
 * {@link #openStore(Path, StoreIdentity)} and {@link #openReader(Path, StoreIdentity)}; JUnit then runs every
 * test here against it.
 *
 * <p>Vectors come from {@link #embed}, a hashed bag of words in {@value #DIMENSION} dimensions: texts that
 * share words are close, which is all these tests need, and core has no real embedder.
 */
public abstract class KnowledgeStoreContract {
    /** The embedder id the stores under test are opened with. */
    public static final String EMBEDDER_ID = "contract-hashed-words-16";
    /** The vector length the stores under test are opened with. */
    public static final int DIMENSION = 16;
    /** {@link #EMBEDDER_ID} and {@link #DIMENSION}. */
    public static final StoreIdentity IDENTITY = new StoreIdentity(EMBEDDER_ID, DIMENSION);

    @TempDir
    protected Path dir;
    /** The store under test, open for each test; {@link #reopen} replaces it. */
    protected KnowledgeStore store;

    /**
     * Opens the store kept under {@code dir} for writing, for vectors of {@code identity}; empty the first
     * time, and holding what was written before on later calls. A store that does not live in a directory (a
     * server) derives its location from {@code dir}. Opening a store built for another identity must throw
     * {@link IncompatibleKnowledgeBaseException}.
     */
    protected abstract KnowledgeStore openStore(Path dir, StoreIdentity identity);

    /**
     * Opens the store kept under {@code dir} for reading, beside the writer {@link #store} (which stays
     * open): it must not wait for it or block it, and must show its later commits.
     */
    protected abstract ReadableKnowledgeStore openReader(Path dir, StoreIdentity identity);

    /** Closes the store and opens it again with {@link #IDENTITY}, as a new process would. */
    protected void reopen() {
        reopen(IDENTITY);
    }

    /** Closes the store and opens it again for vectors of {@code identity}; a refused open leaves {@link #store} null. */
    protected void reopen(StoreIdentity identity) {
        store.close();
        store = null;
        store = openStore(dir, identity);
    }

    @BeforeEach
    final void openEmptyStore() {
        store = openStore(dir, IDENTITY);
    }

    @AfterEach
    final void closeStore() {
        if (store != null) store.close();
    }

    // ---- the tests

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void emptyStoreFindsNothing(SearchMode mode) {
        assertThat(store.retrieve(request(mode, "install the server", 5, Filter.NONE))).isEmpty();
    }

    @Test
    void emptyStoreHasNoSources() {
        assertThat(store.sources()).isEmpty();
        assertThat(store.source("/docs/guide.md")).isEmpty();
        assertThat(store.chunks("/docs/guide.md")).isEmpty();
        assertThat(store.deleteSource("/docs/guide.md")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void findsTheMatchingChunkInEachMode(SearchMode mode) {
        ingest("/docs/install.md", "Install the server on Linux with apt");
        ingest("/docs/database.md", "Configure the database connection pool size");
        ingest("/docs/tls.md", "Rotate TLS certificates every year before expiry");

        List<Hit> hits = store.retrieve(request(mode, "install server linux", 3, Filter.NONE));

        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().chunk().id()).isEqualTo(Chunk.idOf("/docs/install.md", 0));
        assertThat(hits).extracting(Hit::score).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(ids(hits)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void replacingASourceReplacesAllItsChunks(SearchMode mode) {
        ingest("a", "alpha old one", "alpha old two", "alpha old three", "alpha old four", "alpha old five");
        List<Chunk> b = ingest("b", "alpha in b one", "alpha in b two");

        List<Chunk> newA = ingest("a", "alpha new one", "alpha new two");

        assertThat(store.chunks("a")).isEqualTo(newA);
        assertThat(store.source("a")).contains(record("a", 2));
        List<Hit> hits = store.retrieve(request(mode, "alpha old", 20, Filter.NONE));
        assertThat(hits).extracting(Hit::chunk).containsExactlyInAnyOrderElementsOf(concat(newA, b));
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void replacingWithTheSameChunksKeepsOneCopy(SearchMode mode) {
        List<Chunk> chunks = ingest("a", "alpha one", "alpha two", "alpha three");
        ingest("a", "alpha one", "alpha two", "alpha three");

        assertThat(store.chunks("a")).isEqualTo(chunks);
        assertThat(store.sources()).hasSize(1);
        assertThat(store.retrieve(request(mode, "alpha", 20, Filter.NONE))).extracting(Hit::chunk)
                .containsExactlyInAnyOrderElementsOf(chunks);
    }

    @Test
    void replacingWithNoChunksKeepsTheSourceRecord() {
        ingest("empty.txt", "alpha");
        ingest("empty.txt");

        assertThat(store.source("empty.txt")).contains(record("empty.txt", 0));
        assertThat(store.chunks("empty.txt")).isEmpty();
        assertThat(store.retrieve(request(SearchMode.HYBRID, "alpha", 5, Filter.NONE))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void deleteRemovesTheSourceAndItsChunks(SearchMode mode) {
        ingest("a", "alpha in a one", "alpha in a two");
        List<Chunk> b = ingest("b", "alpha in b");

        assertThat(store.deleteSource("a")).isTrue();

        assertThat(store.source("a")).isEmpty();
        assertThat(store.chunks("a")).isEmpty();
        assertThat(store.sources()).containsExactly(record("b", 1));
        assertThat(store.retrieve(request(mode, "alpha in a", 20, Filter.NONE))).extracting(Hit::chunk)
                .containsExactlyElementsOf(b);
        assertThat(store.deleteSource("a")).isFalse();
    }

    @Test
    void catalogListsSourcesSortedAndChunksInOrder() {
        Instant when = Instant.parse("2025-03-04T05:06:07.123456789Z");
        SourceRecord b = new SourceRecord("/docs/b.md", "b".repeat(64), 1234, 3, when, Set.of("guide", "ops"), Set.of("eng"));
        SourceRecord a = new SourceRecord("/docs/a b#c.md", "a".repeat(64), 10, 1, null, Set.of(), Set.of());
        SourceRecord u = new SourceRecord("/docs/ü.md", "c".repeat(64), 0, 0, when, Set.of("x"), Set.of());
        List<Chunk> bChunks = List.of(
                new Chunk(Chunk.idOf(b.source(), 2), b.source(), 2, "third", List.of("Guide", "Run"), 40, 45, 1, b.tags(), b.accessGroups()),
                new Chunk(Chunk.idOf(b.source(), 0), b.source(), 0, "first", List.of("Guide"), 0, 5, 1, b.tags(), b.accessGroups()),
                new Chunk(Chunk.idOf(b.source(), 1), b.source(), 1, "second", List.of("Guide", "Install"), 20, 26, 1, b.tags(), b.accessGroups()));
        store.replaceSource(b, bChunks.stream().map(c -> new EmbeddedChunk(c, embed(c.text()))).toList());
        store.replaceSource(u, List.of());
        Chunk aChunk = chunk(a.source(), 0, "only one");
        store.replaceSource(a, List.of(new EmbeddedChunk(aChunk, embed(aChunk.text()))));

        assertThat(store.sources()).containsExactly(a, b, u);
        assertThat(store.source(b.source())).contains(b);
        assertThat(store.source(a.source())).contains(a);
        assertThat(store.source("/docs/missing.md")).isEmpty();
        assertThat(store.chunks(b.source())).containsExactly(bChunks.get(1), bChunks.get(2), bChunks.get(0));
        assertThat(store.chunks(a.source())).containsExactly(aChunk);
        assertThat(store.chunks("/docs/missing.md")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void writesAreVisibleToTheNextRetrieve(SearchMode mode) {
        SearchRequest request = request(mode, "kubernetes deployment", 5, Filter.NONE);
        assertThat(store.retrieve(request)).isEmpty();

        List<Chunk> first = ingest("k8s.md", "kubernetes deployment rollout");
        assertThat(store.retrieve(request)).extracting(Hit::chunk).containsExactlyElementsOf(first);

        List<Chunk> second = ingest("k8s.md", "kubernetes deployment rollback");
        assertThat(store.retrieve(request)).extracting(Hit::chunk).containsExactlyElementsOf(second);

        store.deleteSource("k8s.md");
        assertThat(store.retrieve(request)).isEmpty();
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        List<Chunk> a = ingest("a", "alpha install guide", "alpha upgrade guide");
        List<Chunk> b = ingest("b", "bravo backup guide");
        ingest("c", "charlie");
        store.deleteSource("c");

        reopen();

        assertThat(store.sources()).containsExactly(record("a", 2), record("b", 1));
        assertThat(store.chunks("a")).isEqualTo(a);
        assertThat(store.chunks("b")).isEqualTo(b);
        for (SearchMode mode : SearchMode.values()) {
            List<Hit> hits = store.retrieve(request(mode, "bravo backup", 1, Filter.NONE));
            assertThat(hits).as(mode.name()).extracting(Hit::chunk).containsExactlyElementsOf(b);
        }
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void filtersApplyBeforeTopK(SearchMode mode) {
        // Many chunks that match the query better than the few that pass each filter: a store that
        // filtered its top candidates afterwards would return fewer than k hits, or none.
        List<EmbeddedChunk> noise = IntStream.range(0, 300)
                .mapToObj(i -> embedded(chunk("noise", i, "alpha alpha alpha noise" + i, Set.of("common"), Set.of("hr"))))
                .toList();
        store.replaceSource(record("noise", noise.size(), Set.of("common"), Set.of("hr")), noise);
        List<Chunk> targets = new ArrayList<>();
        List<String> words = List.of("bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india");
        for (int i = 0; i < 3; i++)
            targets.add(chunk("target", i, "alpha " + String.join(" ", words.subList(i, i + 6)), Set.of("rare"), Set.of("eng")));
        store.replaceSource(record("target", 3, Set.of("rare"), Set.of("eng")), targets.stream().map(KnowledgeStoreContract::embedded).toList());

        assertThat(store.retrieve(request(mode, "alpha", 3, Filter.NONE)))
                .as("unfiltered, the targets must rank below the top 3, else this test proves nothing")
                .extracting(Hit::chunk).doesNotContainAnyElementsOf(targets);

        List<Filter> filters = List.of(
                new Filter(Set.of("target"), Set.of(), Reader.unrestricted()),
                new Filter(Set.of(), Set.of("rare"), Reader.unrestricted()),
                new Filter(Set.of(), Set.of(), Reader.of("eng")),
                new Filter(Set.of("target", "elsewhere"), Set.of("rare", "other"), Reader.of("eng", "sales")));
        for (Filter filter : filters) {
            List<Hit> hits = store.retrieve(request(mode, "alpha", 3, filter));
            assertThat(hits).as(filter.toString()).extracting(Hit::chunk).containsExactlyInAnyOrderElementsOf(targets);
        }
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void everyNonEmptyPartOfAFilterMustMatch(SearchMode mode) {
        Chunk ops = chunk("a", 0, "alpha runbook", Set.of("ops"), Set.of());
        Chunk dev = chunk("a", 1, "alpha design", Set.of("dev"), Set.of());
        store.replaceSource(record("a", 2), List.of(embedded(ops), embedded(dev)));
        Chunk opsInB = chunk("b", 0, "alpha runbook too", Set.of("ops"), Set.of());
        store.replaceSource(record("b", 1), List.of(embedded(opsInB)));

        assertThat(store.retrieve(request(mode, "alpha", 10, new Filter(Set.of("a"), Set.of("ops"), Reader.unrestricted()))))
                .extracting(Hit::chunk).containsExactly(ops);
        assertThat(store.retrieve(request(mode, "alpha", 10, new Filter(Set.of(), Set.of("ops"), Reader.unrestricted()))))
                .extracting(Hit::chunk).containsExactlyInAnyOrder(ops, opsInB);
        assertThat(store.retrieve(request(mode, "alpha", 10, new Filter(Set.of("nowhere"), Set.of(), Reader.unrestricted())))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void readersSeePublicChunksAndThoseOfTheirGroups(SearchMode mode) {
        Chunk everyone = chunk("policy", 0, "policy for everyone", Set.of(), Set.of());
        Chunk hr = chunk("policy", 1, "policy for hr", Set.of(), Set.of("hr"));
        Chunk eng = chunk("policy", 2, "policy for eng", Set.of(), Set.of("eng"));
        Chunk both = chunk("policy", 3, "policy for hr and eng", Set.of(), Set.of("hr", "eng"));
        store.replaceSource(record("policy", 4), List.of(embedded(everyone), embedded(hr), embedded(eng), embedded(both)));

        assertThat(readable(mode, Set.of("eng"))).containsExactlyInAnyOrder(everyone, eng, both);
        assertThat(readable(mode, Set.of("hr"))).containsExactlyInAnyOrder(everyone, hr, both);
        assertThat(readable(mode, Set.of("hr", "eng"))).containsExactlyInAnyOrder(everyone, hr, eng, both);
        assertThat(readable(mode, Set.of("sales"))).containsExactly(everyone);
        assertThat(readable(mode, Reader.anonymous())).as("anonymous: public chunks only").containsExactly(everyone);
        assertThat(readable(mode, Reader.unrestricted())).as("unrestricted: no access filter")
                .containsExactlyInAnyOrder(everyone, hr, eng, both);
    }

    @ParameterizedTest
    @EnumSource(value = SearchMode.class, names = {"BM25", "HYBRID"})
    void queryTextWithQuerySyntaxIsTakenAsWords(SearchMode mode) {
        List<Chunk> cpp = ingest("cpp.md", "C++ templates (and macros) explained");
        ingest("java.md", "Java generics explained");

        for (String query : List.of("C++ (templates", "title:\"unclosed", "AND OR NOT", "*?~^\\/[]{}!:-+&|",
                "templates^", "(((", "\"", "field:value*", "a~2 b^3", "NOT")) {
            assertThatCode(() -> store.retrieve(request(mode, query, 5, Filter.NONE))).as(query).doesNotThrowAnyException();
        }
        assertThat(store.retrieve(request(mode, "C++ (templates", 1, Filter.NONE))).extracting(Hit::chunk)
                .containsExactlyElementsOf(cpp);
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void kLargerThanTheStoreReturnsEveryMatchOnce(SearchMode mode) {
        List<Chunk> chunks = ingest("a", "alpha one", "alpha two", "alpha three");

        List<Hit> hits = store.retrieve(request(mode, "alpha", 1000, Filter.NONE));

        assertThat(hits).extracting(Hit::chunk).containsExactlyInAnyOrderElementsOf(chunks);
    }

    // ---- history of changes

    @Test
    void addUpdateAndDeleteAreRecordedInOrderAndSurviveReopen() {
        assertThat(store.changes()).isEmpty();
        SourceRecord first = new SourceRecord("a", "1".repeat(64), 10, 1, Instant.parse("2025-01-01T00:00:00Z"), Set.of(), Set.of());
        SourceRecord second = new SourceRecord("a", "2".repeat(64), 20, 1, Instant.parse("2025-02-01T00:00:00Z"), Set.of(), Set.of());
        store.replaceSource(first, List.of(embedded(chunk("a", 0, "alpha one"))));
        store.replaceSource(second, List.of(embedded(chunk("a", 0, "alpha two"))));
        assertThat(store.deleteSource("a")).isTrue();
        assertThat(store.deleteSource("a")).as("nothing to delete, nothing recorded").isFalse();

        List<SourceChange> expected = List.of(
                new SourceChange(Instant.EPOCH, "a", SourceChange.Kind.ADDED, first.contentHash()),
                new SourceChange(Instant.EPOCH, "a", SourceChange.Kind.UPDATED, second.contentHash()),
                new SourceChange(Instant.EPOCH, "a", SourceChange.Kind.REMOVED, second.contentHash()));
        assertThat(store.changes()).usingElementComparatorIgnoringFields("at").containsExactlyElementsOf(expected);
        assertThat(store.changes()).extracting(SourceChange::at).isSortedAccordingTo(Comparator.naturalOrder());
        reopen();
        assertThat(store.changes()).usingElementComparatorIgnoringFields("at").containsExactlyElementsOf(expected);
    }

    @Test
    void aBatchRecordsOneChangePerSourceAndTheHistoryContinuesAfterReopen() {
        ingest("a", "alpha");
        reopen();
        store.replaceSources(List.of(
                new SourceUpdate(record("b", 1), List.of(embedded(chunk("b", 0, "bravo")))),
                new SourceUpdate(record("a", 1), List.of(embedded(chunk("a", 0, "alpha again"))))));

        assertThat(store.changes()).extracting(SourceChange::source, SourceChange::kind).containsExactly(
                tuple("a", SourceChange.Kind.ADDED), tuple("b", SourceChange.Kind.ADDED), tuple("a", SourceChange.Kind.UPDATED));
    }

    @Test
    void firstSeenAtIsKeptAcrossReplacements() {
        Instant first = Instant.parse("2024-06-01T00:00:00Z");
        Instant later = Instant.parse("2025-06-01T00:00:00Z");
        store.replaceSource(new SourceRecord("a", "1".repeat(64), 1, 1, first, Set.of(), Set.of()), List.of(embedded(chunk("a", 0, "one"))));
        store.replaceSource(new SourceRecord("a", "2".repeat(64), 1, 1, later, Set.of(), Set.of()), List.of(embedded(chunk("a", 0, "two"))));

        SourceRecord stored = store.source("a").orElseThrow();
        assertThat(stored.ingestedAt()).isEqualTo(later);
        assertThat(stored.firstSeenAt()).isEqualTo(first);
        reopen();
        assertThat(store.source("a").orElseThrow().firstSeenAt()).isEqualTo(first);
    }

    @Test
    void purgingKeepsWhatIsStoredAndFindable() {
        List<Chunk> a = ingest("a", "alpha install guide", "alpha upgrade guide");
        ingest("b", "bravo backup guide");
        ingest("a", "alpha install guide", "alpha upgrade guide");
        store.deleteSource("b");

        store.purgeDeleted();

        assertThat(store.sources()).containsExactly(record("a", 2));
        assertThat(store.chunks("a")).isEqualTo(a);
        for (SearchMode mode : SearchMode.values())
            assertThat(store.retrieve(request(mode, "alpha guide", 10, Filter.NONE))).as(mode.name())
                    .extracting(Hit::chunk).containsExactlyInAnyOrderElementsOf(a);
        assertThat(store.changes()).hasSize(4);
    }

    @Test
    void closingTwiceIsHarmless() {
        store.close();
        assertThatCode(store::close).doesNotThrowAnyException();
    }

    @Test
    void aClosedStoreRefusesEveryCall() {
        ingest("a", "alpha");
        store.close();

        List<ThrowingCallable> calls = List.of(
                () -> store.retrieve(request(SearchMode.BM25, "alpha", 1, Filter.NONE)),
                () -> store.retrieve(request(SearchMode.DENSE, "alpha", 1, Filter.NONE)),
                () -> store.sources(), () -> store.source("a"), () -> store.chunks("a"), () -> store.changes(),
                () -> store.replaceSource(record("a", 0), List.of()), () -> store.deleteSource("a"), () -> store.purgeDeleted());
        for (ThrowingCallable call : calls) assertThatThrownBy(call).isInstanceOf(IllegalStateException.class);
    }

    // ---- identity: the embedder a store's vectors come from

    @Test
    void reopeningWithAnotherEmbedderIsRefusedAndChangesNothing() {
        ingest("a", "alpha");
        StoreIdentity other = new StoreIdentity("another-embedder", DIMENSION);

        assertThatThrownBy(() -> reopen(other))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining("another-embedder")
                .hasMessageContaining(EMBEDDER_ID);

        store = openStore(dir, IDENTITY);
        assertThat(store.chunks("a")).as("a refused open changes nothing").hasSize(1);
    }

    @Test
    void reopeningWithAnotherDimensionIsRefused() {
        ingest("a", "alpha");

        assertThatThrownBy(() -> reopen(new StoreIdentity(EMBEDDER_ID, 2 * DIMENSION)))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining(String.valueOf(2 * DIMENSION))
                .hasMessageContaining(String.valueOf(DIMENSION));
    }

    @Test
    void aVectorOfTheWrongLengthNamesTheChunkAndChangesNothing() {
        List<Chunk> before = ingest("a", "alpha one");
        Chunk bad = chunk("a", 1, "alpha two");

        assertThatThrownBy(() -> store.replaceSource(record("a", 2),
                List.of(embedded(chunk("a", 0, "alpha new")), new EmbeddedChunk(bad, new float[DIMENSION + 1]))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a#1")
                .hasMessageContaining(String.valueOf(DIMENSION + 1));
        assertThat(store.chunks("a")).isEqualTo(before);
        assertThat(store.changes()).as("a refused write records nothing").hasSize(1);
    }

    @Test
    void aVectorThatIsNotNormalisedIsRefused() {
        float[] doubled = embed("alpha");
        for (int i = 0; i < doubled.length; i++) doubled[i] *= 2;

        assertThatThrownBy(() -> store.replaceSource(record("a", 1), List.of(new EmbeddedChunk(chunk("a", 0, "alpha"), doubled))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a#0")
                .hasMessageContaining("norm");
        assertThat(store.sources()).isEmpty();
    }

    @Test
    void aQueryVectorOfTheWrongLengthIsRefused() {
        ingest("a", "alpha");

        for (SearchMode mode : List.of(SearchMode.DENSE, SearchMode.HYBRID))
            assertThatThrownBy(() -> store.retrieve(new SearchRequest("alpha", new float[DIMENSION / 2], 3, mode, Filter.NONE)))
                    .as(mode.name()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(DIMENSION / 2));
    }

    @Test
    void aChunkOfAnotherSourceOrATwiceUsedIdIsRefused() {
        assertThatThrownBy(() -> store.replaceSource(record("a", 1), List.of(embedded(chunk("b", 0, "bravo")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b#0");
        assertThatThrownBy(() -> store.replaceSource(record("a", 2),
                List.of(embedded(chunk("a", 0, "alpha")), embedded(chunk("a", 0, "alpha again")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a#0");
        assertThatThrownBy(() -> store.replaceSources(List.of(
                new SourceUpdate(record("a", 1), List.of(embedded(chunk("a", 0, "alpha")))),
                new SourceUpdate(record("a", 1), List.of(embedded(chunk("a", 0, "alpha")))))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a");
        assertThat(store.sources()).isEmpty();
        assertThat(store.changes()).isEmpty();
    }

    // ---- access groups

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void anAnonymousReaderSeesOnlyPublicChunksEvenWhenRestrictedOnesMatchBetter(SearchMode mode) {
        Chunk open = chunk("handbook", 0, "the salary bands are published yearly", Set.of(), Set.of());
        store.replaceSource(record("handbook", 1), List.of(embedded(open)));
        List<EmbeddedChunk> restricted = IntStream.range(0, 20)
                .mapToObj(i -> embedded(chunk("hr", i, "salary salary salary band " + i, Set.of(), Set.of("hr")))).toList();
        store.replaceSource(record("hr", restricted.size(), Set.of(), Set.of("hr")), restricted);

        for (Filter filter : List.of(Filter.readableBy(Reader.anonymous()), new Filter(Set.of("hr", "handbook"), Set.of(), Reader.anonymous()),
                Filter.readableBy(Reader.of("sales"))))
            assertThat(store.retrieve(request(mode, "salary band", 10, filter))).as(filter.toString())
                    .extracting(Hit::chunk).containsExactly(open);
        assertThat(store.retrieve(request(mode, "salary band", 30, Filter.readableBy(Reader.of("hr"))))).hasSize(21);
    }

    // ---- readers beside the writer

    @Test
    void readersOpenBesideTheWriterAndSeeItsLaterCommits() {
        ingest("a", "alpha one");
        try (ReadableKnowledgeStore first = openReader(dir, IDENTITY); ReadableKnowledgeStore second = openReader(dir, IDENTITY)) {
            assertThat(first.chunks("a")).extracting(Chunk::text).containsExactly("alpha one");

            List<Chunk> b = ingest("b", "bravo two");
            ingest("a", "alpha three");

            for (ReadableKnowledgeStore reader : List.of(first, second)) {
                eventually(() -> assertThat(reader.sources()).extracting(SourceRecord::source).containsExactly("a", "b"));
                eventually(() -> assertThat(reader.chunks("a")).extracting(Chunk::text).containsExactly("alpha three"));
                assertThat(reader.retrieve(request(SearchMode.HYBRID, "bravo", 1, Filter.NONE))).extracting(Hit::chunk).containsExactlyElementsOf(b);
                assertThat(reader.changes()).hasSize(3);
            }
        }
    }

    @Test
    void aReaderForAnotherEmbedderIsRefused() {
        ingest("a", "alpha");

        assertThatThrownBy(() -> openReader(dir, new StoreIdentity("another-embedder", DIMENSION)).close())
                .isInstanceOf(IncompatibleKnowledgeBaseException.class);
    }

    @Test
    void aClosedReaderRefusesCalls() {
        ingest("a", "alpha");
        ReadableKnowledgeStore reader = openReader(dir, IDENTITY);
        reader.close();

        assertThatThrownBy(() -> reader.retrieve(request(SearchMode.BM25, "alpha", 1, Filter.NONE))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::sources).isInstanceOf(IllegalStateException.class);
        assertThatCode(reader::close).doesNotThrowAnyException();
    }

    /**
     * Retries {@code check} until it passes or ten seconds have gone by: readers show a writer's commits
     * "as they appear", and a store may take a moment. Not a measure of time; the Lucene store passes at once.
     */
    protected static void eventually(ThrowingCallable check) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                check.call();
                return;
            } catch (Throwable e) {
                if (System.nanoTime() > deadline) {
                    if (e instanceof RuntimeException r) throw r;
                    if (e instanceof Error err) throw err;
                    throw new AssertionError(e);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    // ---- fixtures, also for the adapters' own tests

    /**
     * A deterministic stand-in for an embedder: each word adds ±1 to one of {@link #DIMENSION} buckets
     * (both picked by a hash of the word), then the vector is L2-normalised. Texts sharing words get
     * a high cosine. A text without words gets the first unit vector.
     */
    public static float[] embed(String text) {
        float[] v = new float[DIMENSION];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty()) continue;
            int h = word.hashCode() * 0x9E3779B9; // spreads String.hashCode's weak low bits
            v[(h >>> 16) % DIMENSION] += (h & 1) == 0 ? 1f : -1f;
        }
        return normalize(v);
    }

    /** {@code v} scaled to unit length, or the first unit vector when {@code v} is zero. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) sum += (double) x * x;
        float[] unit = new float[v.length];
        if (sum == 0) {
            unit[0] = 1;
            return unit;
        }
        double norm = Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) unit[i] = (float) (v[i] / norm);
        return unit;
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) dot += (double) a[i] * b[i];
        return dot;
    }

    public static Chunk chunk(String source, int ordinal, String text) {
        return chunk(source, ordinal, text, Set.of(), Set.of());
    }

    public static Chunk chunk(String source, int ordinal, String text, Set<String> tags, Set<String> accessGroups) {
        return new Chunk(Chunk.idOf(source, ordinal), source, ordinal, text, List.of("Notes"), ordinal * 100,
                ordinal * 100 + text.length(), text.split(" ").length, tags, accessGroups);
    }

    public static EmbeddedChunk embedded(Chunk chunk) {
        return new EmbeddedChunk(chunk, embed(chunk.text()));
    }

    public static SourceRecord record(String source, int chunkCount) {
        return record(source, chunkCount, Set.of(), Set.of());
    }

    public static SourceRecord record(String source, int chunkCount, Set<String> tags, Set<String> accessGroups) {
        return new SourceRecord(source, "0".repeat(64), 100L * chunkCount, chunkCount,
                Instant.parse("2025-01-01T00:00:00Z"), tags, accessGroups);
    }

    /** Replaces {@code source} by one chunk per text, public and untagged; returns the chunks in order. */
    protected List<Chunk> ingest(String source, String... texts) {
        List<Chunk> chunks = IntStream.range(0, texts.length).mapToObj(i -> chunk(source, i, texts[i])).toList();
        store.replaceSource(record(source, texts.length), chunks.stream().map(KnowledgeStoreContract::embedded).toList());
        return chunks;
    }

    /** A request carrying both the text and its {@link #embed embedding}, whatever the mode. */
    public static SearchRequest request(SearchMode mode, String query, int k, Filter filter) {
        return new SearchRequest(query, embed(query), k, mode, filter);
    }

    public static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    private List<Chunk> readable(SearchMode mode, Set<String> readerGroups) {
        return readable(mode, Reader.of(readerGroups));
    }

    private List<Chunk> readable(SearchMode mode, Reader reader) {
        return store.retrieve(request(mode, "policy", 10, Filter.readableBy(reader))).stream().map(Hit::chunk).toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
