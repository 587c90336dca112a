package io.knowhow.llm.openai;

import java.time.Duration;

/**
 * When one answer must be complete: fixed before its first request, so it covers every attempt and
 * every wait between them.
 *
 * @param endNanos {@link System#nanoTime()} at which time is up
 */
record Deadline(long endNanos) {
    /** A deadline {@code total} from now. */
    static Deadline after(Duration total) {
        return new Deadline(System.nanoTime() + total.toNanos());
    }

    /** Time left; zero once passed. */
    Duration remaining() {
        long left = endNanos - System.nanoTime(); // a difference, so safe across nanoTime's wrap-around
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    boolean passed() {
        return remaining().isZero();
    }

    /** The shorter of {@code limit} and the time left. */
    Duration cap(Duration limit) {
        Duration left = remaining();
        return left.compareTo(limit) < 0 ? left : limit;
    }
}
