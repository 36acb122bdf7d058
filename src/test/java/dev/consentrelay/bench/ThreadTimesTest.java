package dev.consentrelay.bench;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import dev.consentrelay.bench.ThreadTimes.Snapshot;
import dev.consentrelay.bench.ThreadTimes.ThreadTime;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadTimesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldSplitAStreamThreadsPhaseIntoOnACoreWaitingForOneAndOff() {
        Snapshot before = new Snapshot(0, Map.of("11", new ThreadTime("consent-relay-4", SECOND, 0),
                "12", new ThreadTime("consent-relay-4", 0, 0), "13", new ThreadTime("kafka-producer-", 0, 0)),
                1_000, 2_000);
        Snapshot after = new Snapshot(10 * SECOND, Map.of("11", new ThreadTime("consent-relay-4", 8 * SECOND,
                SECOND), "12", new ThreadTime("consent-relay-4", SECOND / 100, 0), "13",
                new ThreadTime("kafka-producer-", SECOND, 0), "14", new ThreadTime("VM Thread", SECOND / 2, 0)),
                1_600, 3_000);

        ObjectNode out = new ObjectMapper().createObjectNode();
        ThreadTimes.report(out, before, after, 20_000, "consent-relay-");

        assertThat(out.path("seconds").asDouble()).isEqualTo(10.0);
        assertThat(out.path("machineBusy").asDouble()).isEqualTo(0.6);
        // 7 s of the stream thread, 0.01 s of the idle global thread, 1 s of the producer's, 0.5 s of a new thread
        assertThat(out.path("processCpuMicrosPerSignal").asDouble()).isEqualTo(425.5);
        assertThat(out.path("streamThreads")).as("the idle thread of the prefix is left out").hasSize(1);
        ObjectNode thread = (ObjectNode) out.path("streamThreads").get(0);
        assertThat(thread.path("onCpu").asDouble()).isEqualTo(0.7);
        assertThat(thread.path("waitingForCpu").asDouble()).isEqualTo(0.1);
        assertThat(thread.path("offCpu").asDouble()).isEqualTo(0.2);
        assertThat(thread.path("cpuMicrosPerSignal").asDouble()).isEqualTo(350.0);
        assertThat(ThreadTimes.summary(out)).contains("on a core 0.7", "waiting for one 0.1", "350.0 µs a signal");
        assertThat(out.path("byThreadGroup").properties()).as("numbers folded, largest first")
                .extracting(Map.Entry::getKey).containsExactly("consent-relay-N", "kafka-producer-", "VM Thread");
        assertThat(out.path("byThreadGroup").path("consent-relay-N").asDouble()).isEqualTo(350.5);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldReadThisProcesssThreadsFromProc() {
        Snapshot now = ThreadTimes.take(ProcessHandle.current().pid()).orElseThrow();

        assertThat(now.threads()).isNotEmpty();
        assertThat(now.threads().values()).anySatisfy(t -> assertThat(t.onCpuNanos()).isPositive());
        assertThat(now.machineTotal()).isGreaterThanOrEqualTo(now.machineBusy()).isPositive();
    }

    @Test
    void shouldReportNothingForAProcessThatIsNotThere() {
        assertThat(ThreadTimes.take(Long.MAX_VALUE)).isEmpty();
    }
}
