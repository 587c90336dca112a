package io.knowhow.store.lucene;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreCheck;
import io.knowhow.core.port.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.knowhow.core.port.KnowledgeStoreContract.request;
import static io.knowhow.store.lucene.Versions.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code knowhow check} and {@code knowhow backup}: the provider's maintenance. */
class MaintenanceTest {
    private final LuceneStoreProvider provider = new LuceneStoreProvider();

    @TempDir
    Path tmp;
    private Path kb;

    @org.junit.jupiter.api.BeforeEach
    void paths() {
        kb = tmp.resolve("kb");
    }

    private StoreLocation location() {
        return StoreLocation.of(kb);
    }

    private void fill() {
        try (KnowledgeStore store = provider.openForWriting(location(), IDENTITY, Duration.ZERO)) {
            List<SourceUpdate> batch = new ArrayList<>();
            for (int f = 0; f < 20; f++) batch.add(Versions.update(f, 1));
            store.replaceSources(batch);
            store.replaceSources(List.of(Versions.update(3, 2)));
            store.deleteSource(Versions.source(4));
        }
    }

    @Test
    void aHealthyIndexChecksOk() {
        fill();
        try (ReadableKnowledgeStore reader = provider.openForReading(location(), IDENTITY)) {
            StoreCheck check = provider.check(location());

            assertThat(check.problems()).isEmpty();
            assertThat(check.ok()).isTrue();
            assertThat(check.segments()).isPositive();
            assertThat(check.documents()).isGreaterThan(20);
            assertThat(reader.sources()).hasSize(19);
        }
    }

    @Test
    void aFlippedByteInASegmentFileIsReportedNamingTheFile() throws IOException {
        fill();
        Path index = kb.resolve("index");
        Path victim;
        try (Stream<Path> files = Files.list(index)) {
            victim = files.filter(p -> p.getFileName().toString().startsWith("_"))
                    .max(Comparator.comparingLong(MaintenanceTest::size)).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(victim, bytes);

        StoreCheck check = provider.check(location());

        assertThat(check.ok()).isFalse();
        assertThat(check.problems()).as(check.toString()).anyMatch(p -> p.contains(victim.getFileName().toString()));
    }

    @Test
    void aBackupOpensAsAnIdenticalKnowledgeBaseWhileReadersKeepServing() throws IOException {
        fill();
        Path target = tmp.resolve("backup");
        try (ReadableKnowledgeStore reader = provider.openForReading(location(), IDENTITY)) {
            provider.backup(location(), target, Duration.ZERO);
            assertThat(reader.sources()).as("the reader served through the backup").hasSize(19);
        }

        assertThat(provider.check(StoreLocation.of(target)).ok()).isTrue();
        try (ReadableKnowledgeStore original = provider.openForReading(location(), IDENTITY);
             ReadableKnowledgeStore copy = provider.openForReading(StoreLocation.of(target), IDENTITY)) {
            assertThat(copy.sources()).isEqualTo(original.sources());
            assertThat(copy.changes()).isEqualTo(original.changes());
            for (var source : original.sources()) assertThat(copy.chunks(source.source())).isEqualTo(original.chunks(source.source()));
            for (SearchMode mode : SearchMode.values())
                assertThat(copy.retrieve(request(mode, "alpha version 2", 10, Filter.NONE)))
                        .isEqualTo(original.retrieve(request(mode, "alpha version 2", 10, Filter.NONE)));
        }
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index");
        }
    }

    @Test
    void aBackupNeedsANewTargetAndWaitsForTheWriter() throws IOException {
        fill();
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> provider.backup(location(), used, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(used.toString()).hasMessageContaining("not an empty directory");

        try (KnowledgeStore writer = provider.openForWriting(location(), IDENTITY, Duration.ZERO)) {
            assertThatThrownBy(() -> provider.backup(location(), tmp.resolve("b2"), Duration.ZERO))
                    .isInstanceOf(KnowledgeBaseBusyException.class);
            writer.replaceSources(List.of(Versions.update(1, 9)));
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
