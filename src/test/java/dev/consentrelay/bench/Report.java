package dev.consentrelay.bench;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

/** The report: latency summaries, the consent core's targets next to the measured figures, and the printed table. */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {
    }

    /** p50/p90/p99/p99.9/max in milliseconds of a histogram recorded in microseconds. */
    static ObjectNode latency(Histogram micros) {
        ObjectNode node = JSON.createObjectNode();
        node.put("count", micros.getTotalCount());
        node.put("p50", ms(micros.getValueAtPercentile(50)));
        node.put("p90", ms(micros.getValueAtPercentile(90)));
        node.put("p99", ms(micros.getValueAtPercentile(99)));
        node.put("p999", ms(micros.getValueAtPercentile(99.9)));
        node.put("max", ms(micros.getMaxValue()));
        return node;
    }

    private static double ms(long micros) {
        return Benchmark.round(micros / 1000.0);
    }

    /**
     * The targets of the consent core v2 (2 cores, broker on the same machine, 1M subjects, 20 vendors), for the
     * process layout measured, each with PASS, MISS or n/a.
     */
    static ArrayNode targets(JsonNode report, BenchOptions options) {
        ArrayNode targets = JSON.createArrayNode();
        boolean alone = options.connectors() == BenchOptions.Connectors.NONE;
        // On the mix, as the issue states them; the refusals-only batch, the heaviest, beside.
        for (String batch : List.of("maxThroughput", "maxThroughputRefusals")) {
            String of = batch.equals("maxThroughput") ? " (the mix)" : " (refusals only)";
            JsonNode written = report.path(batch).path(alone ? "written" : "writtenSettled");
            target(targets, (alone
                    ? "records written per signal, processor alone"
                    : "records written per signal, every command acknowledged") + of,
                    alone ? "<= 8" : "<= 16", alone ? 8 : 16, false, written.path("recordsPerSignal"));
            target(targets, "max throughput (signals/s, exactly_once_v2)" + of, alone ? ">= 4000" : ">= 1000",
                    alone ? 4_000 : 1_000, true, report.path(batch).path("signalsPerSecond"));
        }
        target(targets, "throughput / steady-state passthrough (moonshot)", ">= 0.25", 0.25, true,
                report.path("throughputRatioToBaseline"));
        target(targets, "decision latency p99 at " + options.rate() + "/s (ms)", "<= 250", 250, false,
                report.path("openLoop").path("decisionLatencyMs").path("p99"));
        target(targets, "propagation latency p99 at " + options.rate() + "/s (ms)", "<= 1000", 1000, false,
                alone ? JSON.missingNode() : report.path("openLoop").path("propagationLatencyMs").path("p99"));
        target(targets, "service peak RSS (MiB)", "<= 512", 512, false,
                report.path("service").path("peakRssMiB"));
        target(targets, "restore after the state is wiped, until a new command is visible (s)", "<= 60", 60, false,
                report.path("restore").path("secondsToFirstCommand"));
        return targets;
    }

    private static void target(ArrayNode targets, String name, String target, double limit, boolean atLeast,
            JsonNode measured) {
        ObjectNode node = targets.addObject();
        node.put("name", name).put("target", target);
        if (measured.isNumber()) {
            double value = measured.asDouble();
            node.put("measured", value);
            node.put("status", (atLeast ? value >= limit : value <= limit) ? "PASS" : "MISS");
        } else {
            node.put("measured", "n/a");
            node.put("status", "n/a");
        }
    }

    /** The human-readable summary printed at the end of a run. */
    static String table(JsonNode report) {
        StringBuilder out = new StringBuilder();
        JsonNode config = report.path("config");
        JsonNode machine = report.path("machine");
        out.append(String.format(Locale.ROOT, "%nconsent-relay benchmark: %,d subjects, %d vendors, open loop %d/s for"
                + " %d s, batch %,d%n", config.path("subjects").asLong(), config.path("vendors").asInt(),
                config.path("rate").asInt(), config.path("durationSeconds").asInt(), config.path("batch").asLong()));
        out.append(String.format(Locale.ROOT, "machine: %d cores, %s MiB, %s, Java %s; Kafka %s%n",
                machine.path("cores").asInt(), machine.path("memoryMiB").asText(), machine.path("os").asText(),
                machine.path("java").asText(), config.path("bootstrap").asText()));
        if (!config.path("atTargetConditions").asBoolean()) {
            out.append("NOTE: the targets hold for 1,000,000 subjects at 500 signals/s (1,000 with --connectors none);"
                    + " this run differs, so PASS/MISS below is indicative only.\n");
        }
        out.append('\n');
        row(out, "figure", "measured");
        row(out, "preload (signals/s)", num(report.path("preload").path("signalsPerSecond")));
        JsonNode warm = report.path("openLoop").path("warmUp");
        if (warm.has("signals")) {
            row(out, "open loop warm-up (not measured): signals / drained after s", num(warm.path("signals"))
                    + " / " + num(warm.path("drainedAfterSeconds")));
        }
        row(out, "open loop achieved rate (signals/s)", num(report.path("openLoop").path("achievedRate")));
        row(out, "open loop commands / matched", num(report.path("openLoop").path("commands")) + " / "
                + num(report.path("openLoop").path("commandsMatched")));
        row(out, "decision latency ms p50/p90/p99/p99.9/max",
                latencyText(report.path("openLoop").path("decisionLatencyMs")));
        row(out, "propagation latency ms p50/p90/p99/p99.9/max",
                latencyText(report.path("openLoop").path("propagationLatencyMs")));
        if (report.path("openLoop").has("decisionLatencyMsSettled")) {
            String after = " after the first " + report.path("openLoop").path("settledAfterSeconds").asText() + " s";
            row(out, "  decision" + after, latencyText(report.path("openLoop").path("decisionLatencyMsSettled")));
            row(out, "  propagation" + after,
                    latencyText(report.path("openLoop").path("propagationLatencyMsSettled")));
        }
        row(out, "max throughput, the mix (signals/s)", num(report.path("maxThroughput").path("signalsPerSecond")));
        row(out, "max throughput, the mix (commands/s)",
                num(report.path("maxThroughput").path("commandsPerSecond")));
        row(out, "max throughput, refusals only (signals/s)",
                num(report.path("maxThroughputRefusals").path("signalsPerSecond")));
        row(out, "max throughput, refusals only (commands/s)",
                num(report.path("maxThroughputRefusals").path("commandsPerSecond")));
        row(out, "baseline passthrough (signals/s)", num(report.path("baseline").path("signalsPerSecond")));
        row(out, "ratio to baseline", num(report.path("throughputRatioToBaseline")));
        row(out, "service peak RSS (MiB)", num(report.path("service").path("peakRssMiB")));
        if (report.has("connectorProcess")) {
            row(out, "connector process peak RSS (MiB)", num(report.path("connectorProcess").path("peakRssMiB")));
        }
        row(out, "restore: to RUNNING / to a new signal's command (s)", num(report.path("restore").path("seconds"))
                + " / " + num(report.path("restore").path("secondsToFirstCommand")));
        out.append('\n');
        out.append(
                String.format(Locale.ROOT, "%-52s %-10s %-12s %s%n", "target (consent core v2)", "target", "measured",
                        "status"));
        for (JsonNode target : report.path("targets")) {
            out.append(String.format(Locale.ROOT, "%-52s %-10s %-12s %s%n", target.path("name").asText(),
                    target.path("target").asText(), num(target.path("measured")), target.path("status").asText()));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-46s %s%n", name, value));
    }

    private static String num(JsonNode value) {
        if (value.isIntegralNumber()) {
            return String.format(Locale.ROOT, "%,d", value.asLong());
        }
        if (value.isNumber()) {
            return String.format(Locale.ROOT, "%,.3f", value.asDouble());
        }
        return value.isMissingNode() || value.isNull() ? "n/a" : value.asText();
    }

    private static String latencyText(JsonNode latency) {
        if (!latency.isObject()) {
            return num(latency);
        }
        return String.format(Locale.ROOT, "%s / %s / %s / %s / %s (n=%s)", num(latency.path("p50")),
                num(latency.path("p90")), num(latency.path("p99")), num(latency.path("p999")),
                num(latency.path("max")), num(latency.path("count")));
    }
}
