package dev.consentrelay.connector;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A fixed set of lanes without threads of their own: work for one subject always goes to the same lane, and a lane
 * starts its next piece of work only once the stage of the one before has completed, so one subject's work runs in
 * submission order while other subjects' runs at the same time. Bounds a vendor's concurrency to the number of lanes.
 * <p>
 * Work starts on the thread that submits it when its lane is idle, else on the thread that completes the stage before
 * it: the feed's, or the transport's event loop. A delivery in flight holds no thread, so twenty vendors' lanes cost
 * no thread switches beyond the transport's own.
 */
public final class SubjectLanes {

    private final Lane[] lanes;
    private volatile boolean stopped;

    public SubjectLanes(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one lane");
        }
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane();
        }
    }

    /** The lane of a subject. */
    public int laneOf(String subjectId) {
        return Math.floorMod(subjectId == null ? 0 : subjectId.hashCode(), lanes.length);
    }

    /**
     * Starts the work on the subject's lane once everything submitted to that lane before has completed; the lane is
     * free again when the work's stage completes, however it does. Work that throws frees the lane at once.
     */
    public void submit(String subjectId, Supplier<? extends CompletionStage<?>> work) {
        lanes[laneOf(subjectId)].submit(work);
    }

    /** Drops the work not yet started and starts nothing more; work already started runs to its end. */
    public void stop() {
        stopped = true;
        for (Lane lane : lanes) {
            lane.clear();
        }
    }

    /** One lane: the work waiting for it, and whether a piece of work is running. */
    private final class Lane {

        private final ArrayDeque<Supplier<? extends CompletionStage<?>>> waiting = new ArrayDeque<>();
        private boolean busy;

        void submit(Supplier<? extends CompletionStage<?>> work) {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                if (busy) {
                    waiting.add(work);
                    return;
                }
                busy = true;
            }
            run(work);
        }

        synchronized void clear() {
            waiting.clear();
        }

        /**
         * Runs the work and, as long as each completes at once, the work after it in a loop rather than from each
         * completion, so a run of skipped commands does not deepen the stack.
         */
        private void run(Supplier<? extends CompletionStage<?>> first) {
            Supplier<? extends CompletionStage<?>> work = first;
            while (work != null) {
                CompletableFuture<?> running = start(work);
                if (!running.isDone()) {
                    running.whenComplete((result, failure) -> run(next()));
                    return;
                }
                work = next();
            }
        }

        private CompletableFuture<?> start(Supplier<? extends CompletionStage<?>> work) {
            try {
                return work.get().toCompletableFuture();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** The next work, or null with the lane marked idle. */
        private synchronized Supplier<? extends CompletionStage<?>> next() {
            Supplier<? extends CompletionStage<?>> work = stopped ? null : waiting.poll();
            if (work == null) {
                busy = false;
            }
            return work;
        }
    }
}
