package io.knowhow.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.app.json.JsonViews;
import io.knowhow.server.http.ApiException;
import io.knowhow.server.http.Errors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server's job queue. Two lanes, each one job at a time: {@link Lane#WRITE} for ingests (the knowledge base has
 * one writer, and jobs that wait in the server's queue do not wait on the store's lock), {@link Lane#TUNE} for a
 * fine-tuning run (one at a time; a second is refused rather than queued behind hours of training).
 * Finished jobs are kept in memory for listing (the newest {@value #KEEP_FINISHED}); a restart forgets them.
 */
public final class Jobs implements AutoCloseable {
    static final int KEEP_FINISHED = 500;

    public enum Lane { WRITE, TUNE }

    /** A job's work: returns the result JSON; throws {@link JobCancelledException} when it stops for a cancel. */
    @FunctionalInterface
    public interface Work {
        JsonNode run(Job job) throws Exception;
    }

    private final int maxQueued;
    private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<Lane, ExecutorService> lanes = new LinkedHashMap<>();
    private final Map<Lane, Integer> pending = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closing;

    /** @param maxQueued most ingest jobs waiting at once; more are refused with 503 */
    public Jobs(int maxQueued) {
        this.maxQueued = maxQueued;
        for (Lane lane : Lane.values()) {
            lanes.put(lane, Executors.newSingleThreadExecutor(Thread.ofPlatform().name("knowhow-" + lane.name().toLowerCase(java.util.Locale.ROOT) + "-job").daemon(false).factory()));
            pending.put(lane, 0);
        }
    }

    /**
     * Queues {@code work}. {@code discard} runs when the job ends without running (cancelled while queued, or the
     * server stopping): e.g. removing its uploaded files.
     */
    public synchronized Job submit(String kind, String owner, Lane lane, Work work, Runnable discard) {
        return submit(newId(), kind, owner, lane, work, discard);
    }

    /** A fresh job id: 12 hex digits, also the name of the job's upload folder. */
    public static String newId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 12);
    }

    /** Queues {@code work} under an id from {@link #newId()} (chosen before, e.g. to name an upload folder). */
    public synchronized Job submit(String id, String kind, String owner, Lane lane, Work work, Runnable discard) {
        if (closing) throw ApiException.busy("the server is shutting down", 30);
        int waiting = pending.get(lane);
        if (lane == Lane.TUNE && waiting > 0)
            throw ApiException.conflict("a fine-tuning job is already queued or running: wait for it (GET /api/jobs) or cancel it (DELETE /api/jobs/{id})");
        if (lane == Lane.WRITE && waiting >= maxQueued)
            throw ApiException.busy(waiting + " ingest jobs are waiting (server.max-queued-jobs): try again when some have finished", 10);
        if (jobs.containsKey(id)) throw new IllegalStateException("job id " + id + " is taken");
        Job job = new Job(id, kind, owner);
        jobs.put(id, job);
        pending.merge(lane, 1, Integer::sum);
        trim();
        lanes.get(lane).execute(() -> run(job, lane, work, discard));
        return job;
    }

    private void run(Job job, Lane lane, Work work, Runnable discard) {
        try {
            if (job.cancelRequested() || closing) {
                job.finish(Job.State.CANCELLED, null, null);
                discard.run();
                return;
            }
            job.start();
            JsonNode result = work.run(job);
            job.finish(job.cancelRequested() ? Job.State.CANCELLED : Job.State.DONE, result, null);
        } catch (JobCancelledException cancelled) {
            job.finish(Job.State.CANCELLED, null, null);
        } catch (Throwable e) {
            ApiException a = Errors.map(e, "job " + job.id());
            job.finish(Job.State.FAILED, null, (com.fasterxml.jackson.databind.node.ObjectNode) JsonViews.error(a.code(), a.getMessage()).get("error"));
            if (a.status() >= 500 && !(e instanceof ApiException)) {
                System.getLogger("io.knowhow.server").log(System.Logger.Level.ERROR, "job " + job.id() + " failed", e);
            }
        } finally {
            synchronized (this) {
                pending.merge(lane, -1, Integer::sum);
            }
        }
    }

    public Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Every known job, newest first. */
    public List<Job> list() {
        List<Job> all;
        synchronized (jobs) {
            all = new ArrayList<>(jobs.values());
        }
        Collections.reverse(all);
        return all;
    }

    /** Asks a job to stop: a queued one never runs; a running one stops at its next progress report. */
    public void cancel(Job job) {
        job.requestCancel();
    }

    /** Jobs waiting or running in a lane (for /metrics). */
    public int pending(Lane lane) {
        return pending.get(lane);
    }

    public long count(String kind, Job.State state) {
        synchronized (jobs) {
            return jobs.values().stream().filter(j -> j.kind().equals(kind) && j.state() == state).count();
        }
    }

    private void trim() {
        synchronized (jobs) {
            if (jobs.size() <= KEEP_FINISHED) return;
            var it = jobs.values().iterator();
            while (jobs.size() > KEEP_FINISHED && it.hasNext()) {
                Job j = it.next();
                if (j.state() != Job.State.QUEUED && j.state() != Job.State.RUNNING) it.remove();
            }
        }
    }

    /**
     * Stops taking jobs, drops the queued ones, gives the running ones {@code grace} to finish, then asks them to
     * stop (an ingest after its current file's batch, a training run with a checkpoint) and waits for that.
     */
    public void shutdown(Duration grace, Consumer<String> notices) {
        synchronized (this) {
            closing = true;
        }
        for (Job j : list()) if (j.state() == Job.State.QUEUED) j.requestCancel();
        for (ExecutorService lane : lanes.values()) lane.shutdown();
        long deadline = System.nanoTime() + grace.toNanos();
        for (ExecutorService lane : lanes.values()) awaitUntil(lane, deadline);
        boolean stillRunning = lanes.values().stream().anyMatch(l -> !l.isTerminated());
        if (stillRunning) {
            for (Job j : list()) if (j.state() == Job.State.RUNNING) {
                notices.accept("job " + j.id() + " (" + j.kind() + ") is still running after " + grace.toSeconds() + " s: asking it to stop");
                j.requestCancel();
            }
            for (ExecutorService lane : lanes.values()) awaitUntil(lane, System.nanoTime() + TimeUnit.MINUTES.toNanos(2));
        }
    }

    private static void awaitUntil(ExecutorService lane, long deadlineNanos) {
        try {
            lane.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO, m -> {});
    }
}
