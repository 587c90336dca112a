package io.knowhow.server.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    @Test
    void aBurstUpToTheLimitThenOneTokenPerIntervalPerCaller() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(60, now::get); // one a second
        for (int i = 0; i < 60; i++) assertThat(limiter.acquire("a")).isEmpty();
        assertThat(limiter.acquire("a")).hasValue(1);
        assertThat(limiter.acquire("b")).as("another caller has its own bucket").isEmpty();
        now.addAndGet(1_000_000_000L);
        assertThat(limiter.acquire("a")).isEmpty();
        assertThat(limiter.acquire("a")).isPresent();
        assertThat(new RateLimiter(0).acquire("a")).as("0 turns limiting off").isEmpty();
    }
}
