package dev.consentrelay.reliability;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A point in time by which a condition must hold. Waiting is always "poll the condition, then pause a little",
 * never a fixed sleep standing in for the condition.
 */
final class Deadline {

    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    static Deadline in(Duration timeout) {
        return new Deadline(timeout);
    }

    boolean passed() {
        return System.nanoTime() - deadlineNanos > 0;
    }

    /** Fails if the deadline passed while waiting for {@code what}. */
    void check(String what) {
        if (passed()) {
            throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }

    /** The pause between two polls of a condition. */
    void pause(Duration interval) {
        LockSupport.parkNanos(interval.toNanos());
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting");
        }
    }
}
