package io.knowhow.store.lucene;

import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The embedded store ({@code store.kind: lucene}): one Lucene index in {@code KB/index}. */
public final class LuceneStoreProvider implements StoreProvider {
    public static final String KIND = "lucene";
    static final String INDEX_DIR = "index";
    static final String STAGED_DIR = "index.reindex";
    static final String PREVIOUS_DIR = "index.previous";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Optional<StoreIdentity> existing(StoreLocation location) {
        return LuceneKnowledgeStore.builtWith(index(location)).map(b -> new StoreIdentity(b.embedderId(), b.dimension()));
    }

    @Override
    public ReadableKnowledgeStore openForReading(StoreLocation location, StoreIdentity expected) {
        Path index = index(location);
        if (!Files.exists(index) && Files.isDirectory(location.kbDir().resolve(PREVIOUS_DIR)))
            throw new KnowledgeBaseUnavailableException("a reindex of " + location.kbDir() + " was interrupted between two renames: move "
                    + location.kbDir().resolve(PREVIOUS_DIR) + " back to " + index + " and run `knowhow reindex` again");
        if (existing(location).isEmpty())
            throw new KnowledgeBaseUnavailableException("no knowledge base at " + location.kbDir() + " yet: run `knowhow ingest PATH` first (or pass --kb DIR)");
        return LuceneKnowledgeStore.open(index, expected.embedderId(), expected.dimension());
    }

    @Override
    public KnowledgeStore openForWriting(StoreLocation location, StoreIdentity expected, Duration wait) {
        return LuceneKnowledgeStore.open(index(location), expected.embedderId(), expected.dimension());
    }

    @Override
    public StagedStore buildBeside(StoreLocation location, StoreIdentity identity, Duration wait) {
        Path staged = location.kbDir().resolve(STAGED_DIR);
        deleteTree(staged); // a previous interrupted build
        LuceneKnowledgeStore store = LuceneKnowledgeStore.open(staged, identity.embedderId(), identity.dimension());
        return new StagedStore() {
            private boolean swapped;

            @Override
            public KnowledgeStore store() {
                return store;
            }

            @Override
            public void swapIn() {
                store.close();
                Path index = index(location);
                Path previous = location.kbDir().resolve(PREVIOUS_DIR);
                try {
                    deleteTree(previous);
                    if (Files.exists(index)) Files.move(index, previous, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(staged, index, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(previous);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not swap the rebuilt index into " + location.kbDir() + ": " + e.getMessage(), e);
                }
                swapped = true;
            }

            @Override
            public void close() {
                store.close();
                if (!swapped) deleteTree(staged);
            }
        };
    }

    private static Path index(StoreLocation location) {
        return location.kbDir().resolve(INDEX_DIR);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + root + ": " + e.getMessage(), e);
        }
    }
}
