package io.knowhow.store.solr;

import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.BaseHttpSolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.util.NamedList;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a request against the cluster again while it fails in a way that passes: the connection refused or
 * reset by a node going down, a timeout, a 5xx while a shard elects a new leader. Anything else (a 4xx: a bad
 * request, a version conflict) fails at once. After the last try the error names the collection, what was
 * being done, how many tries over how long, and the last cause.
 *
 * @param budget  how long to keep trying, from the first try
 * @param backoff the first pause between tries; it doubles up to {@link #MAX_PAUSE}
 */
record Retrier(String collection, Duration budget, Duration backoff) {
    static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    Retrier {
        Objects.requireNonNull(collection, "collection");
        if (budget.isNegative() || backoff.isNegative() || backoff.isZero())
            throw new IllegalArgumentException("retry budget must be non-negative and the backoff positive");
    }

    @FunctionalInterface
    interface SolrCall<T> {
        T call() throws SolrServerException, IOException;
    }

    <T> T call(String what, SolrCall<T> call) {
        long start = System.nanoTime();
        long pause = backoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (SolrServerException | IOException | SolrException e) {
                long elapsed = System.nanoTime() - start;
                if (!retriable(e))
                    throw new IllegalStateException("Solr collection " + collection + ": could not " + what + ": " + message(e), e);
                if (elapsed + pause * 1_000_000L > budget.toNanos())
                    throw new KnowledgeBaseUnavailableException("Solr collection " + collection + ": could not " + what + " after "
                            + attempt + (attempt == 1 ? " try" : " tries") + " in " + String.format(java.util.Locale.ROOT, "%.1f", elapsed / 1e9)
                            + " s (the cluster kept failing: " + message(e) + "); check that its nodes are up and the collection's"
                            + " shards have leaders, then run the command again", e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new KnowledgeBaseUnavailableException("Solr collection " + collection + ": interrupted while retrying to " + what, e);
                }
                pause = Math.min(pause * 2, MAX_PAUSE.toMillis());
            }
        }
    }

    /** Whether a failure may pass by itself: I/O trouble, or a server-side error (5xx) during a node's loss. */
    static boolean retriable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CloudSolrClient.RouteException route) {
                // The per-shard failures of an update; retriable when every one of them is.
                NamedList<Throwable> failures = route.getThrowables();
                if (failures != null && failures.size() > 0) {
                    for (int i = 0; i < failures.size(); i++) if (!retriable(failures.getVal(i))) return false;
                    return true;
                }
            }
            if (t instanceof SolrException s) {
                int code = s.code();
                if (code >= 400 && code < 500) return false;
                return true; // 5xx, or -1/0: no HTTP status, the node did not answer
            }
            if (t instanceof BaseHttpSolrClient.RemoteSolrException r) return r.code() >= 500;
            if (t instanceof IOException || t instanceof UncheckedIOException) return true;
            if (t instanceof SolrServerException && t.getCause() == null) return true; // "no live SolrServers", "could not find a healthy node"
        }
        return false;
    }

    /** Whether the failure is a version conflict (HTTP 409) of optimistic concurrency. */
    static boolean conflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CloudSolrClient.RouteException route && route.getThrowables() != null)
                for (int i = 0; i < route.getThrowables().size(); i++) if (conflict(route.getThrowables().getVal(i))) return true;
            if (t instanceof SolrException s && s.code() == 409) return true;
        }
        return false;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        for (Throwable t = e.getCause(); (m == null || m.isBlank()) && t != null; t = t.getCause()) m = t.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
