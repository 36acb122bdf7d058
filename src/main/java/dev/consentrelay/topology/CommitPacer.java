package dev.consentrelay.topology;

import java.time.Duration;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Commits a caught-up service's outputs promptly and a backlog's seldom. Under {@code exactly_once_v2} nothing a task
 * writes is visible before its transaction commits, and each commit costs the stream thread a flush and two round
 * trips to the broker. Kafka Streams commits every {@code commit.interval.ms}: short, a backlog spends much of its
 * time committing; long, every decision waits for it. The pacer takes the interval's place where latency counts:
 * while the records being processed are fresh (timestamped at most {@link #FRESH} ago), it requests a commit
 * ({@link ProcessorContext#commit()}) at most once per pace, so their outputs are visible within about a pace; a
 * backlog's older records request nothing and the commit interval alone paces their transactions.
 *
 * <p>Between the two the pace stretches with the age of the records being processed: at least half that age, so a
 * thread that has fallen behind by 300 ms commits every 150 ms. A fixed pace up to {@link #FRESH} made a thread that
 * commits slowly (a busy broker, code the compiler has not optimised yet) settle about a second behind: below it, a
 * commit every pace took the time it needed to catch up; above it, the interval's rarer commits let it catch up to
 * just below it again. Commits stretched in proportion cost a falling-behind thread less the further behind it is.
 *
 * <p>One transaction spans every task of a stream thread, so the pace is kept per thread. A record processed within
 * a pace of the last request is committed by the next request, or by the per-task punctuator that {@link #schedule}
 * sets up, so the last records of a burst do not wait for the commit interval.
 */
public final class CommitPacer {

    /** Records timestamped at most this long ago are fresh: the service is caught up with their input. */
    static final Duration FRESH = Duration.ofSeconds(1);
    private static final long FRESH_MS = FRESH.toMillis();
    /** The pace is at least the age of the records being processed divided by this. */
    static final int AGE_PER_PACE = 2;
    /** Requests nothing: the commit interval alone paces every commit. */
    public static final CommitPacer OFF = new CommitPacer(Duration.ZERO);

    private final long paceMs;
    private final ThreadLocal<Pace> threads = ThreadLocal.withInitial(Pace::new);

    /** A pacer requesting a commit at most every {@code pace}; zero requests none. */
    public CommitPacer(Duration pace) {
        if (pace.isNegative()) {
            throw new IllegalArgumentException("The commit pace must not be negative: " + pace);
        }
        this.paceMs = pace.toMillis();
    }

    /**
     * Notes that a record timestamped {@code timestamp} was processed in {@code context}'s task. A placed signal is
     * noted by decode-signal and apply-signal both; the second look costs a clock read.
     */
    void processed(ProcessorContext<?, ?> context, long timestamp) {
        if (paceMs == 0) {
            return;
        }
        long now = context.currentSystemTimeMs();
        long age = now - timestamp;
        if (age > FRESH_MS) {
            return;
        }
        Pace pace = threads.get();
        pace.current = Math.max(paceMs, age / AGE_PER_PACE);
        if (now - pace.requestedAt >= pace.current) {
            request(context, pace, now);
        } else {
            pace.pending = true;
        }
    }

    /** Sets up the punctuator that commits a task's fresh records left pending by the last request. */
    void schedule(ProcessorContext<?, ?> context) {
        if (paceMs == 0) {
            return;
        }
        context.schedule(Duration.ofMillis(paceMs), PunctuationType.WALL_CLOCK_TIME, timestamp -> {
            Pace pace = threads.get();
            long now = context.currentSystemTimeMs();
            if (pace.pending && now - pace.requestedAt >= pace.current) {
                request(context, pace, now);
            }
        });
    }

    private static void request(ProcessorContext<?, ?> context, Pace pace, long now) {
        context.commit();
        pace.requestedAt = now;
        pace.pending = false;
    }

    /** A stream thread's last request, its pace as the last fresh record set it, and whether any came since. */
    private static final class Pace {
        long requestedAt = Long.MIN_VALUE / 2;
        long current;
        boolean pending;
    }
}
