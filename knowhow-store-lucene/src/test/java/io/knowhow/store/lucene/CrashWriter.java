package io.knowhow.store.lucene;

import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreProvider.StagedStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link CrashConsistencyIT} kills: writes a fixed sequence of commits to a knowledge base and
 * prints a line after each, so the test can kill it at a chosen point. Running it to the end always
 * leaves the same final state, whatever earlier runs were killed in the middle of.
 *
 * <ul>
 *   <li>{@code replace KB}: versions 1..{@value #VERSIONS} of {@value #FILES} files, in batches of
 *       {@value #BATCH} sources per {@code replaceSources}; after version 3 a purge (a rewrite of segments),
 *       after version 4 a delete of the last file, which version 5 brings back. Final: every file at the
 *       last version.
 *   <li>{@code rebuild KB}: a build beside the index of every file at version {@value #REBUILT}, swapped in.
 * </ul>
 */
final class CrashWriter {
    static final int FILES = 24;
    static final int VERSIONS = 6;
    static final int BATCH = 4;
    static final int REBUILT = 100;

    private CrashWriter() {}

    public static void main(String[] args) {
        String mode = args[0];
        StoreLocation kb = StoreLocation.of(Path.of(args[1]));
        LuceneStoreProvider provider = new LuceneStoreProvider();
        switch (mode) {
            case "replace" -> {
                try (KnowledgeStore store = provider.openForWriting(kb, Versions.IDENTITY, Duration.ofSeconds(30))) {
                    for (int version = 1; version <= VERSIONS; version++) {
                        for (List<SourceUpdate> batch : batches(version)) {
                            store.replaceSources(batch);
                            System.out.println("committed");
                        }
                        if (version == 3) {
                            store.purgeDeleted();
                            System.out.println("purged");
                        }
                        if (version == 4) {
                            store.deleteSource(Versions.source(FILES - 1));
                            System.out.println("deleted");
                        }
                    }
                }
            }
            case "rebuild" -> {
                try (StagedStore staged = provider.buildBeside(kb, Versions.IDENTITY, Duration.ofSeconds(30))) {
                    for (List<SourceUpdate> batch : batches(REBUILT)) {
                        staged.store().replaceSources(batch);
                        System.out.println("committed");
                    }
                    staged.swapIn();
                    System.out.println("swapped");
                }
            }
            default -> throw new IllegalArgumentException("mode replace or rebuild, got " + mode);
        }
        System.out.println("done");
    }

    static List<List<SourceUpdate>> batches(int version) {
        List<List<SourceUpdate>> batches = new ArrayList<>();
        for (int first = 0; first < FILES; first += BATCH) {
            List<SourceUpdate> batch = new ArrayList<>();
            for (int f = first; f < Math.min(FILES, first + BATCH); f++) batch.add(Versions.update(f, version));
            batches.add(batch);
        }
        return batches;
    }
}
