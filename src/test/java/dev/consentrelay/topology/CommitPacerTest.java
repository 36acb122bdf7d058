package dev.consentrelay.topology;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommitPacerTest {

    private static final long NOW = 1_700_000_000_000L;

    private final CommitPacer pacer = new CommitPacer(Duration.ofMillis(25));
    private MockProcessorContext<String, Outbound> context;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW);
    }

    @Test
    void aFreshRecordRequestsACommitAtOnce() {
        pacer.processed(context, NOW - 5);

        assertThat(context.committed()).isTrue();
    }

    @Test
    void theDefaultPaceIsLongerWhereTheConnectorsShareTheProcess() {
        assertThat(ConsentTopology.defaultCommitPace(false)).isEqualTo(Duration.ofMillis(50));
        assertThat(ConsentTopology.defaultCommitPace(true)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void recordsWithinThePaceOfTheLastRequestAreCommittedByThePunctuatorOnceThePaceHasPassed() {
        pacer.schedule(context);
        Punctuator punctuator = punctuator();
        pacer.processed(context, NOW);
        context.resetCommit();

        context.setCurrentSystemTimeMs(NOW + 10);
        pacer.processed(context, NOW + 10);
        assertThat(context.committed()).as("within the pace of the last request").isFalse();
        punctuator.punctuate(NOW + 10);
        assertThat(context.committed()).as("the pace has not passed").isFalse();

        context.setCurrentSystemTimeMs(NOW + 25);
        punctuator.punctuate(NOW + 25);
        assertThat(context.committed()).isTrue();

        context.resetCommit();
        context.setCurrentSystemTimeMs(NOW + 50);
        punctuator.punctuate(NOW + 50);
        assertThat(context.committed()).as("nothing processed since the request").isFalse();
    }

    @Test
    void recordsThatWaitedStretchThePaceToHalfTheirAgeSoAThreadBehindCommitsLessOften() {
        pacer.schedule(context);
        pacer.processed(context, NOW - 400);
        assertThat(context.committed()).as("the thread's first request").isTrue();
        context.resetCommit();

        context.setCurrentSystemTimeMs(NOW + 100);
        pacer.processed(context, NOW + 100 - 400);
        assertThat(context.committed()).as("100 ms after a request, records 400 ms old").isFalse();
        punctuator().punctuate(NOW + 100);
        assertThat(context.committed()).as("the punctuator keeps the stretched pace").isFalse();

        context.setCurrentSystemTimeMs(NOW + 200);
        pacer.processed(context, NOW + 200 - 400);
        assertThat(context.committed()).as("half of 400 ms after the request").isTrue();
        context.resetCommit();

        context.setCurrentSystemTimeMs(NOW + 225);
        pacer.processed(context, NOW + 225 - 10);
        assertThat(context.committed()).as("caught up: the configured pace again").isTrue();
    }

    @Test
    void aBacklogsOlderRecordsLeaveTheCommitsToTheCommitInterval() {
        pacer.schedule(context);
        pacer.processed(context, NOW - CommitPacer.FRESH.toMillis() - 1);
        assertThat(context.committed()).isFalse();

        context.setCurrentSystemTimeMs(NOW + 100);
        punctuator().punctuate(NOW + 100);
        assertThat(context.committed()).isFalse();
    }

    @Test
    void thePaceIsKeptPerStreamThreadAsEachThreadCommitsItsOwnTransaction() throws Exception {
        pacer.processed(context, NOW);
        context.resetCommit();
        pacer.processed(context, NOW);
        assertThat(context.committed()).as("same thread, within the pace").isFalse();

        MockProcessorContext<String, Outbound> other = new MockProcessorContext<>();
        other.setCurrentSystemTimeMs(NOW);
        CompletableFuture.runAsync(() -> pacer.processed(other, NOW)).get();
        assertThat(other.committed()).as("another thread's first fresh record").isTrue();
    }

    @Test
    void aPaceOfZeroRequestsNothingAndSchedulesNothing() {
        CommitPacer.OFF.schedule(context);
        CommitPacer.OFF.processed(context, NOW);

        assertThat(context.committed()).isFalse();
        assertThat(context.scheduledPunctuators()).isEmpty();
    }

    @Test
    void aNegativePaceIsRefused() {
        assertThatThrownBy(() -> new CommitPacer(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
    }

    private Punctuator punctuator() {
        CapturedPunctuator captured = context.scheduledPunctuators().get(0);
        assertThat(captured.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        assertThat(captured.getInterval()).isEqualTo(Duration.ofMillis(25));
        return captured.getPunctuator();
    }
}
