package dev.consentrelay.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoPartitioningTest {

    @Test
    void topicsWithOneCountShareIt() {
        assertThat(CoPartitioning.check(Map.of("signals", 6, "gpc", 6, "acks", 6))).isEqualTo(6);
    }

    @Test
    void differentCountsStopTheStartNamingEachTopic() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("consent.signals.v1", 6);
        counts.put("consent.gpc-signals.v1", 6);
        counts.put("consent.command-acks.v1", 3);
        assertThatThrownBy(() -> CoPartitioning.check(counts)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("consent.signals.v1 (6 partitions)")
                .hasMessageContaining("consent.command-acks.v1 (3 partitions)")
                .hasMessageContaining("--alter --partitions");
    }
}
