package io.knowhow.store.solr;

import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreProvider;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The SolrCloud store ({@code store.kind: solr}): a collection behind an alias, at the cluster named by the
 * {@code solr.*} settings ({@link SolrSettings}). Nothing is kept in the knowledge-base directory.
 *
 * <ul>
 *   <li>Reading opens the alias and checks the collection's meta document against the expected embedder.</li>
 *   <li>Writing creates the configset, the collection {@code NAME_1} and the alias {@code NAME} on first use,
 *       then takes the writer lock ({@link WriterLock}), waiting up to the given time.</li>
 *   <li>Building beside creates {@code NAME_(N+1)}, holding the lock of the current one; swapping in moves the
 *       alias (atomic: readers see the old collection or the new) and deletes the old collection. Collections
 *       left by an interrupted build or swap are deleted by the next build.</li>
 * </ul>
 */
public final class SolrStoreProvider implements StoreProvider {
    public static final String KIND = "solr";

    private final SolrStoreOptions options;

    /** The provider the ServiceLoader finds, with {@link SolrStoreOptions#DEFAULTS}. */
    public SolrStoreProvider() {
        this(SolrStoreOptions.DEFAULTS);
    }

    public SolrStoreProvider(SolrStoreOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Optional<StoreIdentity> existing(StoreLocation location) {
        try (SolrCluster cluster = new SolrCluster(SolrSettings.of(location), options)) {
            return cluster.current().flatMap(cluster::identity);
        }
    }

    /** False: the Solr store has had one format; a collection of another is refused when opened, naming both. */
    @Override
    public boolean needsRebuild(StoreLocation location) {
        return false;
    }

    @Override
    public ReadableKnowledgeStore openForReading(StoreLocation location, StoreIdentity expected) {
        SolrCluster cluster = new SolrCluster(SolrSettings.of(location), options);
        try {
            String current = cluster.current().orElseThrow(() -> new KnowledgeBaseUnavailableException("no knowledge base in "
                    + cluster.where() + " yet: run `knowhow ingest PATH` first (or check solr.collection)"));
            cluster.check(current, expected);
            return new SolrKnowledgeStore(cluster.client(), true, cluster.settings.collection(), expected, options, false, null);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public KnowledgeStore openForWriting(StoreLocation location, StoreIdentity expected, Duration wait) {
        SolrCluster cluster = new SolrCluster(SolrSettings.of(location), options);
        try {
            String current = cluster.currentOrCreate(expected);
            cluster.check(current, expected);
            String name = cluster.settings.collection();
            WriterLock lock = WriterLock.acquire(cluster.client(), name, wait, options.lockLease(), cluster.retrier);
            return new SolrKnowledgeStore(cluster.client(), true, name, expected, options, true, lock);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public StagedStore buildBeside(StoreLocation location, StoreIdentity identity, Duration wait) {
        SolrCluster cluster = new SolrCluster(SolrSettings.of(location), options);
        WriterLock lock = null;
        try {
            Optional<String> current = cluster.current();
            if (current.isPresent() && !cluster.isAlias())
                throw new KnowledgeBaseUnavailableException(cluster.where() + " is a plain collection, not an alias: knowhow swaps a rebuilt "
                        + "collection in by moving an alias, which cannot take a collection's name. Migrate it to a new solr.collection "
                        + "(`knowhow migrate --to solr://...?collection=NEW`), which knowhow then keeps behind an alias");
            if (current.isPresent())
                lock = WriterLock.acquire(cluster.client(), cluster.settings.collection(), wait, options.lockLease(), cluster.retrier);
            for (String leftover : cluster.leftovers(current.orElse(""))) cluster.delete(leftover);
            String staged = cluster.nextPhysicalName();
            cluster.create(staged, identity);
            SolrKnowledgeStore store = new SolrKnowledgeStore(cluster.client(), false, staged, identity, options, true, null);
            return new Staged(cluster, lock, current, staged, store);
        } catch (RuntimeException e) {
            if (lock != null) lock.close();
            cluster.close();
            throw e;
        }
    }

    private static final class Staged implements StagedStore {
        private final SolrCluster cluster;
        private final WriterLock lock;
        private final Optional<String> previous;
        private final String staged;
        private final SolrKnowledgeStore store;
        private boolean swapped;
        private boolean closed;

        Staged(SolrCluster cluster, WriterLock lock, Optional<String> previous, String staged, SolrKnowledgeStore store) {
            this.cluster = cluster;
            this.lock = lock;
            this.previous = previous;
            this.staged = staged;
            this.store = store;
        }

        @Override
        public KnowledgeStore store() {
            return store;
        }

        @Override
        public synchronized void swapIn() {
            if (closed || swapped) throw new IllegalStateException("the staged collection " + staged + " was already swapped in or discarded");
            if (lock != null) lock.ensureHeld();
            store.close();
            cluster.alias(staged);
            swapped = true;
            // The lock document lives in the old collection, which goes now; a waiting writer finds the new one free.
            if (lock != null) lock.abandon();
            previous.ifPresent(cluster::delete);
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                store.close();
                if (!swapped) {
                    try {
                        cluster.delete(staged);
                    } catch (RuntimeException e) {
                        // left for the next build beside it to delete
                    }
                }
            } finally {
                if (lock != null) lock.close();
                cluster.close();
            }
        }
    }
}
