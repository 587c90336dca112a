package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.knowhow.core.port.KnowledgeStoreContract.request;
import static io.knowhow.store.lucene.Versions.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stores opened for reading: no lock, no writes, later commits visible, never a half-replaced source. */
class ReadOnlyStoreTest {
    private static final Duration NO_WAIT = Duration.ZERO;
    private final LuceneStoreProvider provider = new LuceneStoreProvider();

    @TempDir
    Path kb;

    private StoreLocation location() {
        return StoreLocation.of(kb);
    }

    @Test
    void readersOpenBesideAWriterAndEachOtherAndSeeItsLaterCommits() {
        try (KnowledgeStore writer = provider.openForWriting(location(), IDENTITY, NO_WAIT)) {
            writer.replaceSources(List.of(Versions.update(1, 1)));
            try (ReadableKnowledgeStore first = provider.openForReading(location(), IDENTITY);
                 ReadableKnowledgeStore second = provider.openForReading(location(), IDENTITY)) {
                assertThat(first.sources()).extracting(s -> s.contentHash()).containsExactly(Versions.hash(1, 1));

                writer.replaceSources(List.of(Versions.update(1, 2), Versions.update(2, 1)));

                for (ReadableKnowledgeStore reader : List.of(first, second)) {
                    assertThat(reader.sources()).hasSize(2);
                    assertThat(reader.chunks(Versions.source(1))).extracting(Versions::versionOf).containsOnly(2);
                }
                writer.deleteSource(Versions.source(2));
                assertThat(first.retrieve(request(SearchMode.HYBRID, "alpha", 50, Filter.NONE)))
                        .extracting(h -> h.chunk().source()).containsOnly(Versions.source(1));
                assertThat(first.changes()).hasSize(4);
            }
        }
    }

    @Test
    void aReaderWritesNothingAtAll() throws Exception {
        Path index = kb.resolve("index");
        try (LuceneKnowledgeStore writer = LuceneKnowledgeStore.open(index, IDENTITY, LuceneStoreOptions.DEFAULTS, NO_WAIT)) {
            writer.replaceSources(List.of(Versions.update(1, 1)));
            ThrowOnWriteDirectory readOnly = new ThrowOnWriteDirectory(FSDirectory.open(index));
            try (LuceneReadableKnowledgeStore reader = LuceneReadableKnowledgeStore.open(readOnly, index.toString(), IDENTITY,
                    LuceneStoreOptions.DEFAULTS, Duration.ZERO)) {
                for (int version = 2; version <= 5; version++) {
                    writer.replaceSources(List.of(Versions.update(1, version), Versions.update(version, 1)));
                    for (SearchMode mode : SearchMode.values())
                        assertThat(reader.retrieve(request(mode, "alpha", 50, Filter.NONE))).isNotEmpty();
                    assertThat(reader.chunks(Versions.source(1))).extracting(Versions::versionOf).containsOnly(version);
                }
                writer.purgeDeleted(); // merges and deletes the files the reader has open
                assertThat(reader.sources()).hasSize(5);
                assertThat(reader.changes()).hasSize(9);
            }
            assertThat(readOnly.reads.get()).as("the reader did go through the throwing directory").isPositive();
        }
    }

    @Test
    void readOnlyStoresSeeEverySourceWhollyFromOneVersionWhileAWriterReplacesThem() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        int files = 12;
        int readers = 8;
        try (KnowledgeStore writer = provider.openForWriting(location(), IDENTITY, NO_WAIT)) {
            List<io.knowhow.core.model.SourceUpdate> initial = new ArrayList<>();
            for (int f = 0; f < files; f++) initial.add(Versions.update(f, 0));
            writer.replaceSources(initial);

            List<ReadableKnowledgeStore> stores = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(readers);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong answers = new AtomicLong();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            try {
                for (int r = 0; r < readers; r++) stores.add(provider.openForReading(location(), IDENTITY));
                List<Future<?>> running = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    ReadableKnowledgeStore reader = stores.get(r);
                    SearchMode mode = SearchMode.values()[r % SearchMode.values().length];
                    running.add(pool.submit(() -> {
                        while (writing.get() || answers.get() < readers) {
                            try {
                                List<Hit> hits = reader.retrieve(request(mode, "alpha common words", 200, Filter.NONE));
                                List<Chunk> chunks = hits.stream().map(Hit::chunk).toList();
                                // Every chunk matches and k exceeds their number: each answer holds every file, whole.
                                Map<String, Set<Integer>> versions = Versions.versionsBySource(chunks);
                                if (versions.size() != files) failures.add(mode + ": " + versions.size() + " files of " + files);
                                versions.forEach((source, seen) -> {
                                    if (seen.size() != 1) failures.add(mode + ": " + source + " answered from versions " + seen);
                                    int file = Integer.parseInt(source.replaceAll("\\D", ""));
                                    long n = chunks.stream().filter(c -> c.source().equals(source)).count();
                                    if (n != Versions.chunkCount(file, seen.iterator().next()))
                                        failures.add(mode + ": " + source + " answered with " + n + " chunks of version " + seen);
                                });
                                answers.incrementAndGet();
                            } catch (RuntimeException e) {
                                failures.add(mode + ": " + e);
                            }
                        }
                    }));
                }
                for (int version = 1; version <= 10; version++) {
                    List<io.knowhow.core.model.SourceUpdate> batch = new ArrayList<>();
                    for (int f = 0; f < files; f++) if (random.nextInt(3) == 0) batch.add(Versions.update(f, version));
                    if (!batch.isEmpty()) writer.replaceSources(batch);
                }
                writing.set(false);
                for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
            } finally {
                writing.set(false);
                pool.shutdownNow();
                for (ReadableKnowledgeStore s : stores) s.close();
            }
            assertThat(failures).as("seed " + seed).isEmpty();
            assertThat(answers.get()).isGreaterThanOrEqualTo(readers);
        }
    }

    @Test
    void aReaderOnNoIndexSaysToIngestFirst() {
        assertThatThrownBy(() -> provider.openForReading(location(), IDENTITY))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessage("no knowledge base at " + kb + " yet: run `knowhow ingest PATH` first");
        assertThatThrownBy(() -> provider.openForReading(StoreLocation.of(kb.resolve("missing")), IDENTITY))
                .isInstanceOf(KnowledgeBaseUnavailableException.class)
                .hasMessageContaining("no knowledge base at " + kb.resolve("missing") + " yet");
        assertThat(kb.resolve("missing")).doesNotExist();
    }

    @Test
    void aReaderWithAnotherEmbedderIsRefused() {
        try (KnowledgeStore writer = provider.openForWriting(location(), IDENTITY, NO_WAIT)) {
            writer.replaceSources(List.of(Versions.update(1, 1)));
        }
        assertThatThrownBy(() -> provider.openForReading(location(), new StoreIdentity("bge-small", IDENTITY.dimension())))
                .isInstanceOf(IncompatibleKnowledgeBaseException.class)
                .hasMessageContaining("expected 'bge-small'");
        assertThat(provider.existing(location())).contains(IDENTITY);
    }

    @Test
    void aReaderOpensWhileAnotherProcessHoldsTheWriterLock() throws Exception {
        try (KnowledgeStore writer = provider.openForWriting(location(), IDENTITY, NO_WAIT)) {
            writer.replaceSources(List.of(Versions.update(1, 1)));
        }
        // The writer lock held the way another process holds it (a native lock on KB/index.lock).
        try (var held = WriterLock.obtainForKnowledgeBase(kb, NO_WAIT, kb.toString());
             ReadableKnowledgeStore reader = provider.openForReading(location(), IDENTITY)) {
            assertThat(reader.sources()).hasSize(1);
        }
        assertThat(Files.list(kb.resolve("index")).map(p -> p.getFileName().toString()))
                .as("no reader left a file in the index").noneMatch(n -> n.startsWith("pending"));
    }
}
