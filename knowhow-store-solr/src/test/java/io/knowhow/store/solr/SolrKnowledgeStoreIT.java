package io.knowhow.store.solr;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared store contract against a real SolrCloud (2 nodes, collections of 2 shards × 2 replicas, one fresh
 * collection per test), and what only the Solr store promises: identity in the collection, one writer at a time,
 * a rebuilt collection swapped in by its alias, vectors handed back for migration.
 */
class SolrKnowledgeStoreIT extends KnowledgeStoreContract {
    static final int SHARDS = 2, REPLICAS = 2;
    static final StoreIdentity IDENTITY = new StoreIdentity(EMBEDDER_ID, DIMENSION);
    /** Short lease and retry budget: a test that fails should fail in seconds. */
    static final SolrStoreOptions OPTIONS = SolrStoreOptions.DEFAULTS.withLockLease(Duration.ofSeconds(2)).withRetryBudget(Duration.ofSeconds(20));
    static TestCluster cluster;
    final SolrStoreProvider provider = new SolrStoreProvider(OPTIONS);

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start(2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) cluster.close();
    }

    /** The collection of a test: named after its temporary directory, so each test has its own. */
    StoreLocation location(Path kbDir) {
        return cluster.location(kbDir, SolrSettings.defaultCollection(StoreLocation.of(kbDir)), SHARDS, REPLICAS);
    }

    @Override
    protected KnowledgeStore openStore(Path dir, StoreIdentity identity) {
        return provider.openForWriting(location(dir), identity, Duration.ofSeconds(10));
    }

    @Override
    protected ReadableKnowledgeStore openReader(Path dir, StoreIdentity identity) {
        return provider.openForReading(location(dir), identity);
    }

    @AfterEach
    void dropCollection() throws Exception {
        if (store != null) store.close();
        cluster.deleteCollections(SolrSettings.defaultCollection(StoreLocation.of(dir)));
    }

    // ---- identity, readers, the writer lock

    @Test
    void theCollectionRecordsItsEmbedderAndRefusesAnother() {
        ingest("a", "alpha");
        assertThat(provider.existing(location(dir))).contains(IDENTITY);
        store.close();

        assertThatThrownBy(() -> provider.openForWriting(location(dir), new StoreIdentity("bge-small", DIMENSION), Duration.ZERO))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining("expected 'bge-small' (16 dimensions), found '" + EMBEDDER_ID + "' (16 dimensions)");
        assertThatThrownBy(() -> provider.openForReading(location(dir), new StoreIdentity(EMBEDDER_ID, 32)))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining("(32 dimensions), found");
        store = openStore(dir, IDENTITY);
        assertThat(store.chunks("a")).as("a refused open changes nothing").hasSize(1);
    }

    @Test
    void readingAnAbsentKnowledgeBaseSaysSo() {
        Path other = dir.resolve("never-written");
        assertThat(provider.existing(location(other))).isEmpty();
        assertThatThrownBy(() -> provider.openForReading(location(other), IDENTITY))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining("no knowledge base in Solr collection never-written");
    }

    @Test
    void aReaderSeesCommittedWritesAndCannotWrite() {
        List<Chunk> a = ingest("a", "alpha guide");
        try (ReadableKnowledgeStore reader = provider.openForReading(location(dir), IDENTITY)) {
            assertThat(reader.chunks("a")).isEqualTo(a);
            List<Chunk> newer = ingest("a", "alpha newer guide");
            assertThat(reader.retrieve(request(SearchMode.HYBRID, "alpha guide", 5, Filter.NONE))).extracting(Hit::chunk)
                    .containsExactlyElementsOf(newer);
            assertThatThrownBy(() -> ((KnowledgeStore) reader).deleteSource("a")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("opened for reading");
        }
    }

    @Test
    void oneWriterAtATime() throws Exception {
        assertThatThrownBy(() -> provider.openForWriting(location(dir), IDENTITY, Duration.ofMillis(500)))
                .isInstanceOf(KnowledgeBaseBusyException.class)
                .hasMessageContaining("is busy: another writer (pid ");
        // The second writer gets the lock as soon as the first lets go.
        CompletableFuture<KnowledgeStore> second = CompletableFuture.supplyAsync(() ->
                provider.openForWriting(location(dir), IDENTITY, Duration.ofSeconds(30)));
        Thread.sleep(500);
        assertThat(second).isNotDone();
        store.close();
        try (KnowledgeStore next = second.get(30, TimeUnit.SECONDS)) {
            next.replaceSource(record("b", 1), List.of(embedded(chunk("b", 0, "bravo"))));
            assertThat(next.sources()).extracting(s -> s.source()).containsExactly("b");
        }
    }

    @Test
    void aWriterThatDiedIsReplacedAfterItsLease() throws Exception {
        // A writer that stops renewing (its process died) is taken over once its lease has passed.
        SolrKnowledgeStore dead = (SolrKnowledgeStore) store;
        stopHeartbeat(dead);
        long start = System.nanoTime();
        try (KnowledgeStore next = provider.openForWriting(location(dir), IDENTITY, Duration.ofSeconds(30))) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(OPTIONS.lockLease());
            assertThatThrownBy(() -> dead.replaceSource(record("x", 1), List.of(embedded(chunk("x", 0, "x-ray")))))
                    .isInstanceOf(KnowledgeBaseBusyException.class).hasMessageContaining("lost its lock");
            assertThat(next.source("x")).isEmpty();
        }
    }

    private static void stopHeartbeat(SolrKnowledgeStore store) throws Exception {
        var field = SolrKnowledgeStore.class.getDeclaredField("lock");
        field.setAccessible(true);
        WriterLock lock = (WriterLock) field.get(store);
        var beat = WriterLock.class.getDeclaredField("heartbeat");
        beat.setAccessible(true);
        ((java.util.concurrent.ScheduledExecutorService) beat.get(lock)).shutdownNow();
    }

    @Test
    void aClosedStoreRefusesCalls() {
        store.close();
        assertThatThrownBy(() -> store.sources()).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> store.retrieve(request(SearchMode.BM25, "alpha", 1, Filter.NONE))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.deleteSource("a")).isInstanceOf(IllegalStateException.class);
    }

    // ---- rebuilding beside, migration

    @Test
    void aCollectionBuiltBesideIsInvisibleUntilSwappedIn() {
        List<Chunk> old = ingest("a", "alpha old");
        store.close();
        StoreIdentity next = new StoreIdentity("another-embedder", DIMENSION);
        try (StoreProvider.StagedStore staged = provider.buildBeside(location(dir), next, Duration.ofSeconds(10));
             ReadableKnowledgeStore reader = provider.openForReading(location(dir), IDENTITY)) {
            staged.store().replaceSource(record("a", 1), List.of(embedded(chunk("a", 0, "alpha rebuilt"))));
            assertThat(reader.chunks("a")).as("readers keep the current collection").isEqualTo(old);
            assertThatThrownBy(() -> provider.openForWriting(location(dir), IDENTITY, Duration.ofMillis(300)))
                    .as("the build holds the writer lock").isInstanceOf(KnowledgeBaseBusyException.class);
            staged.swapIn();
        }
        assertThat(provider.existing(location(dir))).contains(next);
        try (ReadableKnowledgeStore reader = provider.openForReading(location(dir), next)) {
            assertThat(reader.chunks("a")).extracting(Chunk::text).containsExactly("alpha rebuilt");
        }
        assertThat(cluster.solr.getSolrClient().getClusterState().getCollectionNames())
                .as("the old collection is gone").noneMatch(c -> c.equals(SolrSettings.defaultCollection(StoreLocation.of(dir)) + "_1"));
        store = provider.openForWriting(location(dir), next, Duration.ofSeconds(10));
    }

    @Test
    void vectorsComeBackAsWritten() {
        List<Chunk> a = ingest("a", "alpha one", "alpha two");
        var back = ((SolrKnowledgeStore) store).embeddedChunks("a");
        assertThat(back).extracting(e -> e.chunk()).isEqualTo(a);
        for (int i = 0; i < a.size(); i++) assertThat(back.get(i).vector()).containsExactly(embed(a.get(i).text()));
        assertThat(((SolrKnowledgeStore) store).embeddedChunks("missing")).isEmpty();
    }

    @Test
    void longHybridListsGiveTheSameHitsAsShortOnes() {
        // k > 20: the candidate lists carry ids only, and the fused hits' fields are read after; a few hundred ids.
        List<EmbeddedChunk> many = java.util.stream.IntStream.range(0, 400)
                .mapToObj(i -> embedded(chunk("many", i, "alpha bravo number " + i + " charlie" + (i % 7)))).toList();
        store.replaceSource(record("many", many.size()), many);
        var big = store.retrieve(request(SearchMode.HYBRID, "alpha charlie3", 250, Filter.NONE));
        var small = store.retrieve(request(SearchMode.HYBRID, "alpha charlie3", 20, Filter.NONE));
        assertThat(big).hasSize(250).extracting(Hit::chunk).doesNotHaveDuplicates()
                .allSatisfy(c -> assertThat(c.text()).startsWith("alpha bravo number"));
        assertThat(big.getFirst().chunk().text()).endsWith("charlie3");
        assertThat(ids(big)).as("fusion over 1250 candidates vs 100: the leaders agree").startsWith(ids(small).subList(0, 5).toArray(String[]::new));
    }

    @Test
    void denseScoresAreCosines() {
        ingest("a", "alpha bravo charlie", "delta echo");
        var query = request(SearchMode.DENSE, "alpha bravo", 2, Filter.NONE);
        for (Hit h : store.retrieve(query))
            assertThat(h.score()).isCloseTo(cosine(query.vector(), embed(h.chunk().text())), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(SolrKnowledgeStore.cosine(1f / (1 + 0.25f))).as("a negative cosine maps back too").isCloseTo(-0.25, org.assertj.core.data.Offset.offset(1e-7));
    }
}
