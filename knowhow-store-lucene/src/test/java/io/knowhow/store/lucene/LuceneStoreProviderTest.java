package io.knowhow.store.lucene;

import io.knowhow.core.model.SourceChange;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreProvider;
import io.knowhow.core.port.StoreProvider.StagedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.knowhow.store.lucene.Versions.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider: registration, one writer at a time, refusing orphaned segments, building beside and swapping in. */
class LuceneStoreProviderTest {
    private static final Duration NO_WAIT = Duration.ZERO;
    private static final StoreIdentity OTHER = new StoreIdentity("bge-small-16", IDENTITY.dimension());
    private final LuceneStoreProvider provider = new LuceneStoreProvider();

    @TempDir
    Path kb;

    private StoreLocation location() {
        return StoreLocation.of(kb);
    }

    @Test
    void isRegisteredAsKindLucene() {
        assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> assertThat(p.kind()).isEqualTo("lucene"));
    }

    @Test
    void theIndexLivesInKbIndexAndRecordsItsIdentity() {
        assertThat(provider.existing(location())).isEmpty();
        write(location(), 1, 1);
        assertThat(kb.resolve("index")).isDirectory();
        assertThat(provider.existing(location())).contains(IDENTITY);
    }

    // ---- one writer at a time

    @Test
    void aSecondWriterWaitsThenGivesUpNamingTheKnowledgeBase() {
        try (KnowledgeStore first = provider.openForWriting(location(), IDENTITY, NO_WAIT)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> provider.openForWriting(location(), IDENTITY, Duration.ofMillis(300)))
                    .isInstanceOf(KnowledgeBaseBusyException.class)
                    .hasMessageStartingWith("knowledge base " + kb + " is busy: another knowhow process is writing to it (waited 0.")
                    .hasMessageEndingWith(" s); try again later or give a longer --wait");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it did wait").isGreaterThanOrEqualTo(Duration.ofMillis(300));
            first.replaceSources(List.of(Versions.update(1, 1)));
        }
    }

    @Test
    void aWaitingWriterGetsInWhenTheFirstOneCloses() throws Exception {
        KnowledgeStore first = provider.openForWriting(location(), IDENTITY, NO_WAIT);
        CountDownLatch trying = new CountDownLatch(1);
        CompletableFuture<KnowledgeStore> second = CompletableFuture.supplyAsync(() -> {
            trying.countDown();
            return provider.openForWriting(location(), IDENTITY, Duration.ofSeconds(60));
        });
        trying.await();
        first.replaceSources(List.of(Versions.update(1, 1)));
        first.close();
        try (KnowledgeStore next = second.get(60, TimeUnit.SECONDS)) {
            assertThat(next.sources()).hasSize(1);
        }
    }

    // ---- never an index over existing segment files

    @Test
    void segmentFilesWithoutACommitPointAreRefusedByEveryOpenAndKept() throws IOException {
        try (KnowledgeStore store = provider.openForWriting(location(), IDENTITY, NO_WAIT)) {
            store.replaceSources(List.of(Versions.update(1, 1), Versions.update(2, 1)));
        }
        Path index = kb.resolve("index");
        try (Stream<Path> files = Files.list(index)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segments_")).toList()) Files.delete(f);
        }
        Map<String, Long> before = sizes(index);
        assertThat(before.keySet()).as("fixture: segment files remain").anyMatch(n -> n.startsWith("_"));
        String message = "the index in " + kb + " has segment files but no commit point — restore it from a backup (see docs/operations.md)";

        assertThatThrownBy(() -> provider.openForReading(location(), IDENTITY))
                .isInstanceOf(KnowledgeBaseUnavailableException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> provider.openForWriting(location(), IDENTITY, NO_WAIT))
                .isInstanceOf(KnowledgeBaseUnavailableException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> provider.existing(location()))
                .isInstanceOf(KnowledgeBaseUnavailableException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> LuceneKnowledgeStore.open(index, IDENTITY.embedderId(), IDENTITY.dimension()))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining("the index in " + index + " has segment files but no commit point");
        assertThatThrownBy(() -> LuceneReadableKnowledgeStore.open(index, IDENTITY, LuceneStoreOptions.DEFAULTS))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining("has segment files but no commit point");

        Map<String, Long> after = sizes(index);
        after.remove("write.lock"); // Lucene's lock file, created empty by the refused writers before they looked
        before.remove("write.lock");
        assertThat(after).as("every file still there, unchanged in size").isEqualTo(before);
    }

    @Test
    void anEmptyOrAbsentIndexDirectoryGetsANewIndexForAWriter() throws IOException {
        Files.createDirectories(kb.resolve("index"));
        write(location(), 1, 1);
        assertThat(read(location())).containsEntry(Versions.source(1), 1);

        Path elsewhere = kb.resolve("nested/kb");
        write(StoreLocation.of(elsewhere), 1, 1);
        assertThat(read(StoreLocation.of(elsewhere))).hasSize(1);
    }

    // ---- build beside, swap in, and every state a killed swap leaves

    @Test
    void aBuildBesideIsInvisibleUntilSwappedInAndHoldsTheWriterLockThroughout() {
        write(location(), 1, 1);
        SourceChange added = history(location()).getFirst();
        try (StagedStore staged = provider.buildBeside(location(), OTHER, NO_WAIT);
             ReadableKnowledgeStore oldReader = provider.openForReading(location(), IDENTITY)) {
            assertThatThrownBy(() -> provider.openForWriting(location(), IDENTITY, NO_WAIT))
                    .as("no ingest interleaves with a build").isInstanceOf(KnowledgeBaseBusyException.class);
            staged.store().replaceSources(List.of(Versions.update(1, 7), Versions.update(2, 7)));
            assertThat(oldReader.sources()).hasSize(1);
            assertThat(kb.resolve("index.reindex")).isDirectory();

            staged.swapIn();

            assertThat(kb.resolve("index.reindex")).doesNotExist();
            assertThat(kb.resolve("index.previous")).doesNotExist();
            assertThat(provider.existing(location())).contains(OTHER);
            assertThatThrownBy(oldReader::sources).as("the old embedder's reader is told to reopen")
                    .isInstanceOf(io.knowhow.core.port.IncompatibleKnowledgeBaseException.class);
            assertThatThrownBy(() -> provider.openForWriting(location(), OTHER, NO_WAIT))
                    .as("the lock is held until the staged store closes").isInstanceOf(KnowledgeBaseBusyException.class);
        }
        try (ReadableKnowledgeStore reader = provider.openForReading(location(), OTHER)) {
            assertThat(reader.sources()).hasSize(2);
            assertThat(reader.changes()).as("the history is carried over, and re-embedding adds nothing to it")
                    .containsExactly(added);
        }
    }

    @Test
    void aBuildClosedWithoutSwappingLeavesTheIndexAsItWas() {
        write(location(), 1, 1);
        try (StagedStore staged = provider.buildBeside(location(), OTHER, NO_WAIT)) {
            staged.store().replaceSources(List.of(Versions.update(2, 1)));
        }
        assertThat(kb.resolve("index.reindex")).doesNotExist();
        assertThat(read(location())).containsOnlyKeys(Versions.source(1));
    }

    /** A killed swap or build: {@code old} holds source 1, {@code fresh} source 2 (same embedder). */
    enum Killed {
        /** Between the two renames. */
        PREVIOUS_AND_REINDEX(2),
        /** After both renames, before the old index was deleted. */
        PREVIOUS_AND_INDEX(2),
        /** During a build, before the swap began. */
        INDEX_AND_REINDEX(1),
        /** Only the old index, renamed aside (the new one lost). */
        PREVIOUS_ONLY(1);

        final int survivor;

        Killed(int survivor) {
            this.survivor = survivor;
        }
    }

    @Test
    void everyStateAKilledSwapLeavesIsCompletedOrUndoneByAReader() throws IOException {
        for (Killed state : Killed.values()) {
            Path dir = arrange(state, "reader-" + state);
            assertThat(read(StoreLocation.of(dir))).as(state.name()).containsOnlyKeys(Versions.source(state.survivor));
            assertThat(list(dir)).as(state + ": the reader finished the job").containsOnly("index", "index.lock");
        }
    }

    @Test
    void everyStateAKilledSwapLeavesIsCompletedOrUndoneByAWriter() throws IOException {
        for (Killed state : Killed.values()) {
            Path dir = arrange(state, "writer-" + state);
            try (KnowledgeStore store = provider.openForWriting(StoreLocation.of(dir), IDENTITY, NO_WAIT)) {
                assertThat(store.sources()).as(state.name()).extracting(s -> s.source()).containsOnly(Versions.source(state.survivor));
            }
            assertThat(list(dir)).as(state.name()).containsOnly("index", "index.lock");
        }
    }

    @Test
    void aReaderThatCannotTakeTheLockReadsTheLastCompleteIndexAndChangesNothing() throws IOException {
        for (Killed state : Killed.values()) {
            Path dir = arrange(state, "locked-" + state);
            try (var held = WriterLock.obtainForKnowledgeBase(dir, NO_WAIT, dir.toString())) {
                List<String> before = list(dir);
                assertThat(read(StoreLocation.of(dir))).as(state.name()).containsOnlyKeys(Versions.source(state.survivor));
                assertThat(list(dir)).as(state.name()).isEqualTo(before);
            }
        }
    }

    @Test
    void aFirstBuildThatNeverFinishedIsNoKnowledgeBaseForAReaderAndDiscardedByAWriter() throws IOException {
        Path fresh = kb.resolve("fresh");
        write(StoreLocation.of(fresh), 2, 1);
        Path dir = kb.resolve("kb");
        Files.createDirectories(dir);
        Files.move(fresh.resolve("index"), dir.resolve("index.reindex"));

        assertThatThrownBy(() -> provider.openForReading(StoreLocation.of(dir), IDENTITY))
                .isInstanceOf(KnowledgeBaseUnavailableException.class).hasMessageContaining("no knowledge base at " + dir + " yet");
        try (KnowledgeStore store = provider.openForWriting(StoreLocation.of(dir), IDENTITY, NO_WAIT)) {
            assertThat(store.sources()).isEmpty();
        }
        assertThat(list(dir)).containsOnly("index", "index.lock");
    }

    // ---- helpers

    /** A knowledge base in the state a swap killed at {@code state} leaves. */
    private Path arrange(Killed state, String name) throws IOException {
        Path old = kb.resolve(name + "-old"), fresh = kb.resolve(name + "-fresh"), dir = kb.resolve(name);
        write(StoreLocation.of(old), 1, 1);
        write(StoreLocation.of(fresh), 2, 1);
        Files.createDirectories(dir);
        switch (state) {
            case PREVIOUS_AND_REINDEX -> {
                move(old, dir, "index.previous");
                move(fresh, dir, "index.reindex");
            }
            case PREVIOUS_AND_INDEX -> {
                move(old, dir, "index.previous");
                move(fresh, dir, "index");
            }
            case INDEX_AND_REINDEX -> {
                move(old, dir, "index");
                move(fresh, dir, "index.reindex");
            }
            case PREVIOUS_ONLY -> move(old, dir, "index.previous");
        }
        return dir;
    }

    private static void move(Path kbDir, Path to, String name) throws IOException {
        Files.move(kbDir.resolve("index"), to.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private void write(StoreLocation at, int file, int version) {
        try (KnowledgeStore store = provider.openForWriting(at, IDENTITY, NO_WAIT)) {
            store.replaceSources(List.of(Versions.update(file, version)));
        }
    }

    /** Source → version, as a reader sees them. */
    private Map<String, Integer> read(StoreLocation at) {
        try (ReadableKnowledgeStore reader = provider.openForReading(at, IDENTITY)) {
            Map<String, Integer> versions = new TreeMap<>();
            for (var s : reader.sources()) versions.put(s.source(), Versions.versionOf(reader.chunks(s.source()).getFirst()));
            return versions;
        }
    }

    private List<SourceChange> history(StoreLocation at) {
        try (ReadableKnowledgeStore reader = provider.openForReading(at, IDENTITY)) {
            return reader.changes();
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, Long> sizes(Path dir) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) sizes.put(f.getFileName().toString(), Files.size(f));
        }
        return sizes;
    }
}
