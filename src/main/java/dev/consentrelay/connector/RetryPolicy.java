package dev.consentrelay.connector;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before retry {@code n} (1-based) wait a random time in
 * {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}; a vendor's {@code Retry-After} wins over the computed wait
 * (bounded by {@link #MAX_RETRY_AFTER}).
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff the ceiling of the first wait
 * @param maxBackoff the largest ceiling
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** The longest {@code Retry-After} honoured, so a bogus header cannot park a lane for days. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoffs must not be negative");
        }
    }

    /** The wait before retry number {@code retry} (1 = the second attempt). */
    public Duration backoff(int retry, Optional<Duration> retryAfter, DoubleSupplier random) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            return asked.isNegative() ? Duration.ZERO : min(asked, MAX_RETRY_AFTER);
        }
        long ceiling = initialBackoff.toNanos();
        for (int i = 1; i < retry && ceiling < maxBackoff.toNanos(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxBackoff.toNanos());
        return Duration.ofNanos((long) (random.getAsDouble() * ceiling));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
