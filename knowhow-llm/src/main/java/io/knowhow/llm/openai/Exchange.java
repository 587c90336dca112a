package io.knowhow.llm.openai;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One request in flight. The HTTP client's threads put what arrives on a queue as {@link Event}s; the
 * caller's thread takes them with {@link #next}, so it decides how long to wait, and callbacks run on
 * it. {@link #close()} stops the exchange if it is still running.
 *
 * <p>The queue is unbounded, but what goes in is bounded: the body subscribers stop reading at
 * {@code llm.max-response-bytes}.
 */
final class Exchange implements AutoCloseable {
    /** What the HTTP client's threads hand to the caller. */
    sealed interface Event permits Line, Whole, TooLarge, Failed, End {}

    /** One line of an event stream, without its line ending. */
    record Line(String text) implements Event {}

    /** A whole body: an error, a non-streamed answer, or a server that ignored {@code "stream": true}. */
    record Whole(int status, HttpHeaders headers, byte[] body) implements Event {}

    /** The response passed the byte cap; reading stopped. */
    record TooLarge() implements Event {}

    /** No response, or a broken one. */
    record Failed(Throwable cause) implements Event {}

    /** The event stream ended. */
    record End() implements Event {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final boolean deadlineBinds;
    private volatile CompletableFuture<? extends HttpResponse<?>> future;

    /** @param deadlineBinds whether the request's timeout was cut short by the answer's deadline */
    Exchange(boolean deadlineBinds) {
        this.deadlineBinds = deadlineBinds;
    }

    /** Whether a timeout of this exchange means the deadline passed rather than {@code llm.timeout-seconds}. */
    boolean deadlineBinds() {
        return deadlineBinds;
    }

    void started(CompletableFuture<? extends HttpResponse<?>> response) {
        this.future = response;
        // Failures before the body (refused, timed out, reset) only show here; the subscribers report the rest.
        response.whenComplete((r, e) -> {
            if (e != null) events.add(new Failed(e));
        });
    }

    /** Called by the body subscribers. */
    void add(Event event) {
        events.add(event);
    }

    /** Called by the body subscribers, so {@link #close()} can stop the body mid-way. */
    void subscribed(Flow.Subscription s) {
        subscription.set(s);
    }

    /** The next event, or null when none came within {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the exchange if it still runs (failed, timed out, the callback threw, or the server holds the
     * response open after [DONE]), rather than leave it running and the client's close() waiting for it.
     */
    @Override
    public void close() {
        CompletableFuture<? extends HttpResponse<?>> f = future;
        if (f != null && !f.isDone()) {
            Flow.Subscription s = subscription.get();
            if (s != null) s.cancel();
            f.cancel(true);
        }
    }
}
