package dev.consentrelay.connector;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("commands", 0);

    @Test
    void shouldNotCommitPastTheLowestUnacknowledgedCommand() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 10);
        tracker.started(P0, 11);
        tracker.started(P0, 12);

        tracker.done(P0, 11);
        tracker.done(P0, 12);

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
        tracker.done(P0, 10);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(13)));
    }

    @Test
    void shouldMovePastSkippedRecordsAndOnlyOfferNewPositions() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.skipped(P0, 4);
        Map<TopicPartition, OffsetAndMetadata> first = tracker.committable();
        assertThat(first).containsExactly(Map.entry(P0, new OffsetAndMetadata(5)));

        tracker.committed(first);

        assertThat(tracker.committable()).isEmpty();
    }

    @Test
    void shouldForgetRevokedPartitions() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 1);

        tracker.forget(List.of(P0));

        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.pending()).isZero();
    }
}
