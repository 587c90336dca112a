package io.knowhow.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;

import java.time.Instant;
import java.util.Locale;

/**
 * A queued piece of work — an ingest of uploaded files or of a server folder, or a fine-tuning run — with its
 * progress and, when finished, its result (the same JSON {@code ingest --json} or {@code tune --json} prints) or
 * error. Progress fields are written by the worker and read by requests, hence volatile.
 */
public final class Job {
    public enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

    private final String id;
    private final String kind;
    private final String owner;
    private final Instant created = Instant.now();
    private volatile State state = State.QUEUED;
    private volatile long done;
    private volatile long total;
    private volatile String detail = "";
    private volatile JsonNode result;
    private volatile ObjectNode error;
    private volatile boolean cancelRequested;
    private volatile Runnable onCancel = () -> {};
    private volatile Instant finished;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    Job(String id, String kind, String owner) {
        this.id = id;
        this.kind = kind;
        this.owner = owner;
    }

    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    /** The name of the key that started it: only it (and admin keys) may see or cancel the job. */
    public String owner() {
        return owner;
    }

    public State state() {
        return state;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    /** Progress: {@code done} of {@code total} (files, or training steps), with a short detail line. */
    public void progress(long doneNow, long totalNow, String detailNow) {
        done = doneNow;
        total = totalNow;
        if (detailNow != null) detail = detailNow;
    }

    /** What to call if a cancel arrives while running (e.g. asking a training run to checkpoint and stop). */
    public void onCancel(Runnable action) {
        onCancel = action;
        if (cancelRequested) action.run();
    }

    void requestCancel() {
        cancelRequested = true;
        onCancel.run();
    }

    void start() {
        state = State.RUNNING;
    }

    void finish(State end, JsonNode resultNow, ObjectNode errorNow) {
        result = resultNow;
        error = errorNow;
        finished = Instant.now();
        state = end;
        ended.countDown();
    }

    /** Waits up to {@code timeout} for the job to end; true when it has. */
    public boolean await(java.time.Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public JsonNode json() {
        ObjectNode n = JsonViews.object();
        n.put("id", id);
        n.put("kind", kind);
        n.put("state", state.name().toLowerCase(Locale.ROOT));
        n.put("owner", owner);
        n.put("created", created.toString());
        n.put("finished", finished == null ? null : finished.toString());
        ObjectNode p = n.putObject("progress");
        p.put("done", done);
        p.put("total", total);
        p.put("detail", detail);
        n.put("cancel_requested", cancelRequested);
        if (result != null) n.set("result", result);
        if (error != null) n.set("error", error);
        return n;
    }
}
