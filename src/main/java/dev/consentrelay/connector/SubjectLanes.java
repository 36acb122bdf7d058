package dev.consentrelay.connector;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of single-threaded lanes; work for one subject always runs on the same lane, so in submission order,
 * while other subjects run on other lanes at the same time. Bounds a vendor's concurrency to the number of lanes.
 */
public final class SubjectLanes {

    private final ExecutorService[] lanes;

    public SubjectLanes(String name, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one lane");
        }
        lanes = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            String threadName = name + "-lane-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(runnable -> {
                Thread lane = new Thread(runnable, threadName);
                lane.setDaemon(true);
                return lane;
            });
        }
    }

    /** The lane of a subject. */
    public int laneOf(String subjectId) {
        return Math.floorMod(subjectId == null ? 0 : subjectId.hashCode(), lanes.length);
    }

    /** Runs the work on the subject's lane after everything submitted for that lane before. */
    public void submit(String subjectId, Runnable work) {
        lanes[laneOf(subjectId)].execute(work);
    }

    /** Interrupts running work, drops queued work and waits up to {@code grace} for the lanes to end. */
    public boolean stop(Duration grace) throws InterruptedException {
        for (ExecutorService lane : lanes) {
            lane.shutdownNow();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean stopped = true;
        for (ExecutorService lane : lanes) {
            stopped &= lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return stopped;
    }
}
