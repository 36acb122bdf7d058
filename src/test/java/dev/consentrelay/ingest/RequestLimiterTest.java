package dev.consentrelay.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestLimiterTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-30T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void allowsTheLimitPerKeyAndWindowThenSaysHowLongToWait() {
        RequestLimiter limiter = new RequestLimiter(2, Duration.ofMinutes(1), 100, clock);

        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        now.set(now.get().plusSeconds(20));
        assertThat(limiter.acquire("a")).isEqualTo(Duration.ofSeconds(40));
        assertThat(limiter.acquire("b")).as("each key has its own count").isZero();

        now.set(now.get().plusSeconds(40));
        assertThat(limiter.acquire("a")).as("a new window").isZero();
    }

    @Test
    void forgetsTheLeastRecentlySeenKeysBeyondItsBoundAndCanBeOff() {
        RequestLimiter limiter = new RequestLimiter(1, Duration.ofMinutes(1), 2, clock);
        limiter.acquire("a");
        limiter.acquire("b");
        limiter.acquire("c");

        assertThat(limiter.acquire("a")).as("forgotten, so counted afresh").isZero();
        assertThat(limiter.acquire("c")).isPositive();
        RequestLimiter off = new RequestLimiter(0, Duration.ofMinutes(1), 2, clock);
        for (int i = 0; i < 5; i++) {
            assertThat(off.acquire("a")).isZero();
        }
    }
}
