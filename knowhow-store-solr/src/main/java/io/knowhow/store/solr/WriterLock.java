package io.knowhow.store.solr;

import io.knowhow.core.port.KnowledgeBaseBusyException;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.ModifiableSolrParams;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.knowhow.store.solr.SolrLayout.HOLDER;
import static io.knowhow.store.solr.SolrLayout.ID;
import static io.knowhow.store.solr.SolrLayout.KIND;
import static io.knowhow.store.solr.SolrLayout.KIND_LOCK;
import static io.knowhow.store.solr.SolrLayout.LOCK_ID;
import static io.knowhow.store.solr.SolrLayout.OWNER;
import static io.knowhow.store.solr.SolrLayout.VERSION_FIELD;

/**
 * The one-writer-at-a-time lock of a knowledge base in SolrCloud: the document {@code knowhow!lock} in its
 * collection, taken and renewed with Solr's optimistic concurrency ({@code _version_}), so two writers on two
 * machines cannot both hold it.
 *
 * <ul>
 *   <li>Take: create the document only if absent ({@code _version_=-1}).</li>
 *   <li>Hold: a heartbeat rewrites it every third of the lease, only if it is still the version this holder
 *       wrote; a conflict means the lock was taken over, and every later write of the holder is refused.</li>
 *   <li>Take over: a waiter that sees the same version for longer than the lease, on its own clock, takes it
 *       over (conditional on that version), so a writer that died holds it for one lease at most, and the
 *       machines' clocks need not agree.</li>
 *   <li>Release: delete it, only if it is still ours.</li>
 * </ul>
 *
 * The lock is read with real-time get, which sees the latest update without a commit.
 */
final class WriterLock implements AutoCloseable {
    private final SolrClient client;
    private final String collection;
    private final Duration lease;
    private final Retrier retrier;
    private final String owner = UUID.randomUUID().toString();
    private final String holder = describeHolder();
    private final ScheduledExecutorService heartbeat;
    private volatile long version;
    private volatile String lost;
    private boolean released;

    private WriterLock(SolrClient client, String collection, Duration lease, Retrier retrier) {
        this.client = client;
        this.collection = collection;
        this.lease = lease;
        this.retrier = retrier;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "knowhow-solr-lock-" + collection);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes the lock of {@code collection}, waiting up to {@code wait} for its holder.
     *
     * @throws KnowledgeBaseBusyException when another writer held it all that time
     */
    static WriterLock acquire(SolrClient client, String collection, Duration wait, Duration lease, Retrier retrier) {
        WriterLock lock = new WriterLock(client, collection, lease, retrier);
        lock.take(wait);
        long period = Math.max(100, lease.toMillis() / 3);
        lock.heartbeat.scheduleWithFixedDelay(lock::renew, period, period, TimeUnit.MILLISECONDS);
        return lock;
    }

    private void take(Duration wait) {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        long seenVersion = 0;
        long seenSince = start;
        String seenHolder = null;
        while (true) {
            SolrDocument current = read();
            try {
                if (current == null) {
                    version = write(-1);
                    return;
                }
                long v = ((Number) current.getFieldValue(VERSION_FIELD)).longValue();
                seenHolder = (String) current.getFirstValue(HOLDER);
                if (v != seenVersion) {
                    seenVersion = v;
                    seenSince = System.nanoTime();
                } else if (System.nanoTime() - seenSince > lease.toNanos()) {
                    version = write(v); // its holder stopped renewing it: a writer that died
                    return;
                }
            } catch (IllegalStateException e) {
                if (!Retrier.conflict(e)) throw e;
                // another writer was quicker: look again
            }
            long now = System.nanoTime();
            if (now >= deadline)
                throw new KnowledgeBaseBusyException("Knowledge base in Solr collection " + collection + " is busy: another writer ("
                        + (seenHolder == null ? "unknown" : seenHolder) + ") holds its lock; waited "
                        + Duration.ofNanos(now - start).toSeconds() + " s (store.wait-seconds). A writer that died releases it "
                        + "after " + lease.toSeconds() + " s");
            try {
                Thread.sleep(Math.max(1, Math.min(Math.min(250, lease.toMillis() / 4), (deadline - now) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KnowledgeBaseBusyException("interrupted while waiting for the lock of Solr collection " + collection, e);
            }
        }
    }

    private SolrDocument read() {
        ModifiableSolrParams params = new ModifiableSolrParams();
        params.set("fl", ID + "," + HOLDER + "," + OWNER + "," + VERSION_FIELD);
        return retrier.call("read the writer lock", () -> client.getById(collection, LOCK_ID, params));
    }

    /** Writes the lock document if its version is still {@code expected} (-1: absent); returns the new version. */
    private long write(long expected) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(ID, LOCK_ID);
        doc.setField(KIND, KIND_LOCK);
        doc.setField(OWNER, owner);
        doc.setField(HOLDER, holder + " since " + Instant.now());
        doc.setField(VERSION_FIELD, expected);
        UpdateRequest request = new UpdateRequest();
        request.add(doc);
        request.setParam("versions", "true");
        var response = retrier.call("take the writer lock", () -> request.process(client, collection));
        Object adds = response.getResponse().get("adds");
        if (adds instanceof org.apache.solr.common.util.NamedList<?> list && list.get(LOCK_ID) instanceof Number n) return n.longValue();
        // Older servers do not echo versions: read it back.
        SolrDocument mine = read();
        if (mine == null || !owner.equals(mine.getFirstValue(OWNER)))
            throw new IllegalStateException("Solr collection " + collection + ": the writer lock changed hands while it was taken");
        return ((Number) mine.getFieldValue(VERSION_FIELD)).longValue();
    }

    private void renew() {
        if (lost != null || released) return;
        try {
            version = write(version);
        } catch (RuntimeException e) {
            if (Retrier.conflict(e))
                lost = "another writer took over its lock (this one did not renew it for " + lease.toSeconds() + " s)";
            // Anything else (a node down for longer than the retry budget): try again at the next beat; a waiter
            // takes the lock over only after a whole lease without a renewal.
        }
    }

    /**
     * Throws when the lock was taken over (a write now could interleave with another writer's): asks the cluster,
     * so a holder whose heartbeat stalled (a long pause of its process) learns it before its next write.
     */
    void ensureHeld() {
        if (lost == null) {
            SolrDocument current = read();
            if (current == null || !owner.equals(current.getFirstValue(OWNER)))
                lost = "another writer (" + (current == null ? "none now" : current.getFirstValue(HOLDER))
                        + ") took over its lock after this one did not renew it for " + lease.toSeconds() + " s";
        }
        if (lost != null)
            throw new KnowledgeBaseBusyException("Knowledge base in Solr collection " + collection + ": this writer lost its lock: "
                    + lost + "; nothing more is written, run the command again");
    }

    /** Stops renewing without releasing: the lock document goes with its collection (a swapped-out one). */
    synchronized void abandon() {
        released = true;
        heartbeat.shutdownNow();
    }

    @Override
    public synchronized void close() {
        if (released) return;
        released = true;
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lost != null) return;
        UpdateRequest delete = new UpdateRequest();
        delete.deleteById(LOCK_ID, version);
        try {
            retrier.call("release the writer lock", () -> delete.process(client, collection));
        } catch (RuntimeException e) {
            // Taken over, or the cluster is down: either way the lease runs out by itself.
        }
    }

    private static String describeHolder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown host";
        }
        return "pid " + ManagementFactory.getRuntimeMXBean().getPid() + " on " + host;
    }
}
