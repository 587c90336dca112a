package io.knowhow.store.solr;

import io.knowhow.core.retrieval.ScoreFusion;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link SolrKnowledgeStore}. The search settings are the embedded store's, so the same chunks
 * rank the same in both.
 *
 * @param denseCandidates neighbours each shard's graph search collects ({@code topK}) before the best k are kept
 * @param fusion          how hybrid search merges the BM25 and vector lists
 * @param batchDocs       chunk documents per update request of a bulk write
 * @param inFlight        update requests of one write sent at once; the writer waits for one to finish before
 *                        sending more (back-pressure), so a large ingest holds at most this many batches in memory
 * @param retryBudget     how long a request is retried while the cluster fails in a passing way (a node lost, a
 *                        leader being elected) before the error is reported
 * @param lockLease       how long a writer's lock stays valid without its heartbeat; a writer that died is
 *                        replaced after this long
 */
public record SolrStoreOptions(int denseCandidates, ScoreFusion fusion, int batchDocs, int inFlight, Duration retryBudget,
                               Duration lockLease) {
    /** Most one search may ask for; far past the point where more candidates stop helping. */
    static final int MAX_CANDIDATES = 10_000;

    /** 200 candidates and relative-score fusion at equal weights, as the embedded store (LuceneStoreOptions.DEFAULTS). */
    public static final SolrStoreOptions DEFAULTS = new SolrStoreOptions(200, ScoreFusion.DEFAULT, 500, 4,
            Duration.ofSeconds(30), Duration.ofSeconds(15));

    public SolrStoreOptions {
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(retryBudget, "retryBudget");
        Objects.requireNonNull(lockLease, "lockLease");
        if (denseCandidates < 1 || denseCandidates > MAX_CANDIDATES)
            throw new IllegalArgumentException("denseCandidates must be between 1 and " + MAX_CANDIDATES + ", got " + denseCandidates);
        if (batchDocs < 1) throw new IllegalArgumentException("batchDocs must be at least 1, got " + batchDocs);
        if (inFlight < 1) throw new IllegalArgumentException("inFlight must be at least 1, got " + inFlight);
        if (retryBudget.isNegative()) throw new IllegalArgumentException("retryBudget must not be negative");
        if (lockLease.toMillis() < 300) throw new IllegalArgumentException("lockLease must be at least 300 ms, got " + lockLease);
    }

    public SolrStoreOptions withRetryBudget(Duration budget) {
        return new SolrStoreOptions(denseCandidates, fusion, batchDocs, inFlight, budget, lockLease);
    }

    public SolrStoreOptions withLockLease(Duration lease) {
        return new SolrStoreOptions(denseCandidates, fusion, batchDocs, inFlight, retryBudget, lease);
    }

    public SolrStoreOptions withBatchDocs(int docs) {
        return new SolrStoreOptions(denseCandidates, fusion, docs, inFlight, retryBudget, lockLease);
    }

    public SolrStoreOptions withFusion(ScoreFusion f) {
        return new SolrStoreOptions(denseCandidates, f, batchDocs, inFlight, retryBudget, lockLease);
    }
}
