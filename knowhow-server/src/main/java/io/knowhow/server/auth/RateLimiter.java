package io.knowhow.server.auth;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per caller (API key name, or address without a key): {@code perMinute} requests a minute on
 * average, bursts up to the same number. A refused request learns how many seconds until its next token.
 */
public final class RateLimiter {
    private final int perMinute;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;
    }

    /** @param perMinute 0 turns limiting off */
    public RateLimiter(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    RateLimiter(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 0) throw new IllegalArgumentException("a rate limit is 0 (off) or more requests per minute, got " + perMinute);
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for {@code caller}: empty when allowed, else the seconds to wait (for Retry-After). */
    public OptionalLong acquire(String caller) {
        if (perMinute == 0) return OptionalLong.empty();
        long now = nanoClock.getAsLong();
        Bucket b = buckets.computeIfAbsent(caller, k -> {
            Bucket nb = new Bucket();
            nb.tokens = perMinute;
            nb.updated = now;
            return nb;
        });
        synchronized (b) {
            double perNano = perMinute / 60e9;
            b.tokens = Math.min(perMinute, b.tokens + (now - b.updated) * perNano);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return OptionalLong.empty();
            }
            return OptionalLong.of((long) Math.ceil((1 - b.tokens) / perNano / 1e9));
        }
    }
}
