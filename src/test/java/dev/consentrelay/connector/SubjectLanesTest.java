package dev.consentrelay.connector;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SubjectLanesTest {

    @Test
    void shouldRunOneSubjectsWorkInSubmissionOrder() throws InterruptedException {
        SubjectLanes lanes = new SubjectLanes("test", 4);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        List<String> subjects = List.of("alice", "bob", "carol", "dave", "erin", "frank");
        try {
            for (int i = 0; i < 200; i++) {
                for (String subject : subjects) {
                    int sequence = i;
                    lanes.submit(subject, () -> seen.computeIfAbsent(subject, s -> new CopyOnWriteArrayList<>())
                            .add(sequence));
                }
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> seen.values().stream().mapToInt(List::size).sum() == 200 * subjects.size());
        } finally {
            lanes.stop(Duration.ofSeconds(5));
        }

        subjects.forEach(subject -> assertThat(seen.get(subject)).isSorted().hasSize(200));
    }

    @Test
    void shouldKeepOtherLanesMovingWhileOneIsStuck() throws InterruptedException {
        SubjectLanes lanes = new SubjectLanes("test", 2);
        String stuck = "subject-0";
        String other = java.util.stream.IntStream.range(1, 100).mapToObj(i -> "subject-" + i)
                .filter(s -> lanes.laneOf(s) != lanes.laneOf(stuck)).findFirst().orElseThrow();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(3);
        try {
            lanes.submit(stuck, () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 3; i++) {
                lanes.submit(other, otherDone::countDown);
            }

            assertThat(otherDone.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
            lanes.stop(Duration.ofSeconds(5));
        }
    }
}
