package io.knowhow.core.port;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Checking and backing up a store: an optional ability of a {@link StoreProvider} (a remote store may
 * have its own tools), behind {@code knowhow check} and {@code knowhow backup}.
 */
public interface StoreMaintenance {
    /**
     * Checks the store's files without changing them, while readers and writers carry on.
     *
     * @throws KnowledgeBaseUnavailableException when there is no store at {@code location}
     */
    StoreCheck check(StoreLocation location);

    /**
     * Copies the last committed state of the store into {@code target}, a new directory that then opens
     * as a knowledge base holding the same store. Readers keep serving meanwhile; writes are held off
     * during the copy, which first waits up to {@code wait} for a running writer to finish.
     *
     * @throws KnowledgeBaseBusyException when a writer did not finish within {@code wait}
     * @throws IllegalArgumentException   when {@code target} exists and is not an empty directory
     */
    void backup(StoreLocation location, Path target, Duration wait);
}
