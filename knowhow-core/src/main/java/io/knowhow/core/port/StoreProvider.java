package io.knowhow.core.port;

import java.time.Duration;
import java.util.Optional;

/**
 * Opens one kind of {@link KnowledgeStore}, selected by the {@code store.kind} setting ({@code lucene},
 * {@code solr}, ...). Implementations live in their engine's module and register themselves with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.knowhow.core.port.StoreProvider}), so a new
 * store is one module plus one registration.
 *
 * <p>A store is identified by the embedder whose vectors it holds: opening with another embedder id or
 * dimension is refused with {@link IncompatibleKnowledgeBaseException}, until the chunks are re-embedded
 * into a store {@linkplain #buildBeside built beside} it and swapped in.
 */
public interface StoreProvider {
    /** The {@code store.kind} value that selects this provider. */
    String kind();

    /** What the store at {@code location} was built with; empty when there is no store there yet. */
    Optional<StoreIdentity> existing(StoreLocation location);

    /**
     * Whether the store at {@code location} was written in an older format of this store kind, which can still be
     * read but not written: a rebuild ({@link #buildBeside}, what {@code knowhow reindex} does) brings it up to date.
     * False when there is no store, or it is current.
     */
    boolean needsRebuild(StoreLocation location);

    /**
     * Opens the existing store for reading: never writes, never waits for or blocks a writer.
     *
     * @throws KnowledgeBaseUnavailableException when there is no store, or it is damaged
     * @throws IncompatibleKnowledgeBaseException when it was built with another embedder
     */
    ReadableKnowledgeStore openForReading(StoreLocation location, StoreIdentity expected);

    /**
     * Opens the store for writing, creating it when there is none. One writer at a time: when another
     * holds the store, waits up to {@code wait} for it, then fails with {@link KnowledgeBaseBusyException}.
     */
    KnowledgeStore openForWriting(StoreLocation location, StoreIdentity expected, Duration wait);

    /**
     * A new, empty store beside the current one (to re-embed or migrate into), invisible to readers until
     * {@link StagedStore#swapIn()}. Holds the knowledge base's write lock until it is swapped in or closed.
     */
    StagedStore buildBeside(StoreLocation location, StoreIdentity identity, Duration wait);

    /** A store being built beside the current one. */
    interface StagedStore extends AutoCloseable {
        /** The new store, open for writing. */
        KnowledgeStore store();

        /**
         * Makes the staged store the knowledge base's store and removes the old one. Readers see the old
         * store or the new one, never neither; a crash during the swap is completed (or undone) by the
         * next open.
         */
        void swapIn();

        /** Discards the staged store unless it was swapped in; the current store is untouched. */
        @Override
        void close();
    }
}
