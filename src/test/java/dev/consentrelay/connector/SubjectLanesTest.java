package dev.consentrelay.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lanes as a connector uses them: one subject's deliveries one after the other, each starting only once the one
 * before has completed, while other subjects' go on; and nothing queued starts after a stop.
 */
class SubjectLanesTest {

    private final SubjectLanes lanes = new SubjectLanes(2);
    private final String subject = "subject-0";
    private final String other = IntStream.range(1, 100).mapToObj(i -> "subject-" + i)
            .filter(s -> lanes.laneOf(s) != lanes.laneOf(subject)).findFirst().orElseThrow();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> running = new ArrayList<>();

    @Test
    void shouldStartASubjectsNextWorkOnlyOnceTheOneBeforeHasCompleted() {
        submit(subject, "first");
        submit(subject, "second");
        submit(subject, "third");

        assertThat(started).as("the second waits for the first's answer").containsExactly("first");
        running.get(0).complete(null);
        assertThat(started).containsExactly("first", "second");
        running.get(1).completeExceptionally(new IllegalStateException("vendor crashed"));
        assertThat(started).as("a failed delivery frees the lane too").containsExactly("first", "second", "third");
    }

    @Test
    void shouldKeepOtherLanesMovingWhileOneWaits() {
        submit(subject, "stuck");
        submit(subject, "behind the stuck one");

        submit(other, "other-1");
        running.get(2).complete(null);
        submit(other, "other-2");

        assertThat(started).containsExactly("stuck", "other-1", "other-2");
    }

    @Test
    void shouldRunWorkThatCompletesAtOnceInOrderWithoutDeepeningTheStack() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        List<Integer> done = new CopyOnWriteArrayList<>();
        lanes.submit(subject, () -> first);
        for (int i = 0; i < 50_000; i++) {
            int sequence = i;
            lanes.submit(subject, () -> {
                done.add(sequence);
                return CompletableFuture.completedFuture(null);
            });
        }

        first.complete(null);

        assertThat(done).hasSize(50_000).isSorted();
    }

    @Test
    void shouldFreeTheLaneWhenWorkThrows() {
        lanes.submit(subject, () -> {
            throw new IllegalStateException("bug");
        });
        submit(subject, "after the bug");

        assertThat(started).containsExactly("after the bug");
    }

    @Test
    void shouldStartNothingQueuedOnceStopped() {
        submit(subject, "running");
        submit(subject, "queued");

        lanes.stop();
        running.get(0).complete(null);
        submit(other, "late");

        assertThat(started).containsExactly("running");
    }

    private void submit(String subjectId, String name) {
        CompletableFuture<Void> delivery = new CompletableFuture<>();
        running.add(delivery);
        lanes.submit(subjectId, () -> {
            started.add(name);
            return delivery;
        });
    }
}
