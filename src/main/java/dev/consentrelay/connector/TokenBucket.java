package dev.consentrelay.connector;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, at most {@code burst} saved up. {@link #acquire()} blocks the
 * caller until a token is free, so all workers of one vendor share the vendor's rate limit.
 */
public final class TokenBucket {

    /** How the bucket waits; tests replace it with a fake clock. */
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double tokensPerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSecond, double burst, LongSupplier nanoTime, Sleeper sleeper) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.tokensPerNano = ratePerSecond / 1_000_000_000d;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    /** A bucket on the system clock holding at most one second of tokens (at least one). */
    public static TokenBucket perSecond(double ratePerSecond) {
        return new TokenBucket(ratePerSecond, Math.max(1, ratePerSecond), System::nanoTime,
                nanos -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos));
    }

    /** A bucket that never makes anyone wait: the limit is taken elsewhere (per batch, by the adapter). */
    public static TokenBucket unlimited() {
        return new TokenBucket(Double.MAX_VALUE / 4, Double.MAX_VALUE / 4, System::nanoTime, nanos -> {
        });
    }

    /** Takes one token, waiting for it if needed. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }

    /**
     * Takes one token without waiting for it: the caller may go on after the nanoseconds returned (0: at once), which
     * is when its token has accrued.
     */
    public synchronized long reserve() {
        refill();
        tokens -= 1;
        // A negative balance is a reservation: the caller waits until its token has accrued.
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
    }

    /** Takes a token if one is free now. */
    public synchronized boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
        last = now;
    }
}
