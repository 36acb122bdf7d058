package dev.consentrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the benchmark end to end with a tiny load, so the command cannot rot. It asserts the shape of the report only:
 * performance figures are measured by the benchmark command, never asserted by a test (see STYLE.md).
 */
class BenchmarkSmokeIT {

    @Test
    void benchmarkWritesAReportWithEveryFigure() throws Exception {
        Path target = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
        Path out = target.resolve("bench").resolve("smoke-results.json");
        Files.deleteIfExists(out);

        Benchmark.run(BenchOptions.parse(List.of("--subjects", "200", "--vendors", "2", "--rate", "50",
                "--duration", "2", "--batch", "200", "--ack-timeout", "2", "--baseline-records", "2000", "--out",
                out.toString(),
                "--service-jar", target.resolve("quarkus-app").resolve("quarkus-run.jar").toString())));

        JsonNode report = new ObjectMapper().readTree(out.toFile());
        assertThat(report.path("config").path("subjects").asLong()).isEqualTo(200);
        assertThat(report.path("machine").path("cores").isInt()).isTrue();
        assertThat(report.path("preload").path("signalsPerSecond").isNumber()).isTrue();
        assertThat(report.path("preload").path("settledSeconds").isNumber()).isTrue();
        assertThat(report.path("preload").path("proofStore").path("caughtUpSecondsAfterDecided").isNumber())
                .as("the proof store's catch-up after the preload: %s", report.path("preload")).isTrue();
        JsonNode openLoop = report.path("openLoop");
        assertThat(openLoop.path("achievedRate").isNumber()).isTrue();
        assertThat(openLoop.path("commands").isNumber()).isTrue();
        assertThat(openLoop.path("serviceBacklogBySecond").isArray()).as("backlog samples: %s", openLoop).isTrue();
        assertThat(openLoop.path("serviceBacklogBySecond").size()).isPositive();
        assertThat(openLoop.path("worstDecisionLatencyMsBySecond").size()).as("latency by second: %s", openLoop)
                .isPositive();
        for (String latency : List.of("decisionLatencyMs", "propagationLatencyMs")) {
            JsonNode node = openLoop.path(latency);
            assertThat(node.isObject() ? node.path("p99").isNumber() : "n/a".equals(node.asText()))
                    .as("%s is a p50..max summary or n/a: %s", latency, node).isTrue();
        }
        for (String batch : List.of("maxThroughput", "maxThroughputRefusals")) {
            assertThat(report.path(batch).path("signalsPerSecond").isNumber()).as(batch).isTrue();
            assertThat(report.path(batch).path("commandsPerSecond").isNumber()).as(batch).isTrue();
            assertThat(report.path(batch).path("proofStore").path("backlogWhenDecided").isNumber()).as(batch)
                    .isTrue();
            if (Files.isDirectory(Path.of("/proc/self/task"))) {
                JsonNode cpu = report.path(batch).path("cpu");
                assertThat(cpu.path("processCpuMicrosPerSignal").asDouble()).as("%s: %s", batch, cpu).isPositive();
                assertThat(cpu.path("machineBusy").isNumber()).as("%s: %s", batch, cpu).isTrue();
                assertThat(cpu.path("streamThreads").isArray()).as("%s: %s", batch, cpu).isTrue();
                JsonNode settled = report.path(batch).path("cpuSettled");
                assertThat(settled.path("processCpuMicrosPerSignal").asDouble()).as("%s: %s", batch, settled)
                        .isGreaterThanOrEqualTo(cpu.path("processCpuMicrosPerSignal").asDouble());
                assertThat(settled.path("byThreadGroup").path("webhook-loop").asDouble())
                        .as("the connectors' HTTP, named apart: %s", settled).isPositive();
            }
        }
        assertThat(report.path("maxThroughput").path("batch").asText()).as("the targets' batch is the mix")
                .contains("mix");
        assertThat(report.path("maxThroughputRefusals").path("batch").asText()).contains("refusals");
        JsonNode written = report.path("maxThroughput").path("writtenSettled");
        assertThat(written.path("recordsPerSignal").asDouble()).as("records the service wrote per signal: %s", written)
                .isGreaterThan(1);
        assertThat(written.path("recordsPerSignalByTopic").has("consent.audit.v1")).as("per topic: %s", written)
                .isTrue();
        assertThat(report.path("baseline").path("signalsPerSecond").isNumber()).isTrue();
        assertThat(report.path("baseline").path("warmUp").path("seconds").isNumber()).as("warm-up apart").isTrue();
        assertThat(report.path("throughputRatioToBaseline").isNumber()).isTrue();
        // null only where /proc is missing (not Linux)
        assertThat(report.path("service").has("peakRssMiB")).isTrue();
        assertThat(report.path("restore").path("seconds").isNumber()).isTrue();
        assertThat(report.has("measuredUpTo")).as("only a report of a run stopped part-way names its last phase")
                .isFalse();
        assertThat(report.path("targets")).hasSize(9).allSatisfy(t -> assertThat(t.has("name") && t.has("target")
                && t.has("measured") && t.has("status")).isTrue());
    }
}
