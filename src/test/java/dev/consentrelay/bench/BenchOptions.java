package dev.consentrelay.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the benchmark, from its command line.
 *
 * @param subjects subjects preloaded into the consent table ({@code --subjects}, default 1,000,000)
 * @param vendors vendors and sub-processors declared ({@code --vendors}, default 20)
 * @param rate signals per second of the open-loop phase ({@code --rate}, default 2,000)
 * @param durationSeconds length of the open-loop phase ({@code --duration}, default 60)
 * @param batch signals of the max-throughput phase ({@code --batch}, default subjects / 5, at least 1,000)
 * @param bootstrap an existing Kafka cluster ({@code --bootstrap host:port}); {@code null} starts the embedded broker
 * @param registry an existing Confluent-compatible registry ({@code --registry url}); {@code null} starts Apicurio
 * @param out where the JSON report goes ({@code --out}, default {@code target/bench/results.json})
 * @param serviceHeap {@code -Xmx} of the service process ({@code --service-heap}, default 176m)
 * @param ackTimeoutSeconds how long to wait for acknowledgements after the open-loop phase ({@code --ack-timeout})
 * @param serviceJar the packaged application ({@code --service-jar}, default
 *        {@code target/quarkus-app/quarkus-run.jar})
 * @param serviceProperties extra {@code -D} settings for the service ({@code --service-prop key=value}, repeatable)
 * @param serviceJvmArgs extra JVM options for the service ({@code --service-jvm-arg}, repeatable), e.g. a JFR
 *        recording to find a bottleneck
 * @param connectors where the vendor connectors run: inside the service ({@code --connectors in-process}, the
 *        default), as their own process ({@code separate}, {@code consent-relay.role=connector}, as the Helm chart
 *        deploys them; on one machine the two processes compete for the same cores), or not at all ({@code none}: the
 *        processor alone, {@code consent-relay.role=processor}, no command is acknowledged)
 * @param connectorHeap {@code -Xmx} of the connector process ({@code --connector-heap}, default 256m)
 * @param vendorRateLimit requests per second each vendor's connector may send ({@code --vendor-rate-limit}, default
 *        10,000: the local endpoints answer at once, so the service's default of 50 would be the only limit measured)
 * @param baselineRecords records the passthrough baseline processes ({@code --baseline-records}, default 1,000,000:
 *        enough for half a minute of steady state on two cores)
 * @param batchSize commands per webhook request ({@code --webhook-batch-size}, default 1: one POST per command, the
 *        service's default; above 1 each vendor's connector sends batches, see docs/vendors.md)
 * @param warmUpSeconds seconds of the open loop's mix, at its rate, sent and drained before the measured open loop
 *        ({@code --warm-up}, default 30; 0 measures from the first signal): the service then runs code paths and
 *        reads rows the preload never touched, and this warm-up is reported on its own
 * @param brokerProcess where the embedded broker runs ({@code --broker}): {@code jvm}, inside the benchmark's own
 *        JVM (the default), or {@code process}, a JVM of its own ({@code -Xmx1g}, Serial GC), so that its collections
 *        and the load generator's no longer stop each other; on two cores the second JVM costs more than it saves
 *        (docs/benchmark.md)
 */
public record BenchOptions(long subjects, int vendors, int rate, int durationSeconds, long batch, String bootstrap,
        String registry, Path out, String serviceHeap, int ackTimeoutSeconds, Path serviceJar,
        Map<String, String> serviceProperties, List<String> serviceJvmArgs, Connectors connectors,
        String connectorHeap, long vendorRateLimit, int batchSize, long baselineRecords, int warmUpSeconds,
        boolean brokerProcess) {

    /** The consent core's targets hold for this many subjects. */
    public static final long TARGET_SUBJECTS = 1_000_000;
    /** The latency targets hold at this rate with the connectors in the service (or in their own process). */
    public static final int TARGET_RATE = 500;
    /** The latency targets of the processor alone hold at this rate. */
    public static final int TARGET_RATE_ALONE = 1_000;

    static final String USAGE = """
            Usage: Benchmark [--subjects N] [--vendors V] [--rate R] [--duration S] [--batch B]
                             [--bootstrap host:port] [--registry url] [--out file.json] [--service-heap 256m]
                             [--ack-timeout S] [--service-jar path] [--service-prop key=value]...
                             [--service-jvm-arg -XX:...]... [--connectors in-process|separate|none]
                             [--connector-heap 256m] [--vendor-rate-limit 10000] [--webhook-batch-size 1]
                             [--baseline-records 1000000] [--warm-up 30] [--broker process|jvm]
            """;

    public static BenchOptions parse(List<String> args) {
        long subjects = TARGET_SUBJECTS;
        int vendors = 20;
        int rate = -1;
        int duration = 60;
        long batch = -1;
        String bootstrap = null;
        String registry = null;
        Path out = Path.of("target", "bench", "results.json");
        String heap = "176m";
        int ackTimeout = 10;
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        Map<String, String> props = new LinkedHashMap<>();
        List<String> jvmArgs = new ArrayList<>();
        Connectors connectors = Connectors.IN_PROCESS;
        String connectorHeap = "256m";
        long vendorRateLimit = 10_000;
        int batchSize = 1;
        long baselineRecords = 1_000_000;
        int warmUp = 30;
        boolean brokerProcess = false;
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (name.isBlank()) {
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
            }
            String value = args.get(++i);
            switch (name) {
                case "--subjects" -> subjects = number(name, value);
                case "--vendors" -> vendors = (int) number(name, value);
                case "--rate" -> rate = Math.max(0, (int) number(name, value));
                case "--duration" -> duration = (int) number(name, value);
                case "--batch" -> batch = number(name, value);
                case "--bootstrap" -> bootstrap = value;
                case "--registry" -> registry = value;
                case "--out" -> out = Path.of(value);
                case "--service-heap" -> heap = value;
                case "--ack-timeout" -> ackTimeout = (int) number(name, value);
                case "--service-jar" -> jar = Path.of(value);
                case "--service-jvm-arg" -> jvmArgs.add(value);
                case "--connector-heap" -> connectorHeap = value;
                case "--vendor-rate-limit" -> vendorRateLimit = number(name, value);
                case "--webhook-batch-size" -> batchSize = (int) number(name, value);
                case "--baseline-records" -> baselineRecords = number(name, value);
                case "--connectors" -> connectors = Connectors.parse(value);
                case "--warm-up" -> warmUp = (int) number(name, value);
                case "--broker" -> brokerProcess = switch (value) {
                    case "process" -> true;
                    case "jvm" -> false;
                    default -> throw new IllegalArgumentException("--broker is process or jvm, got " + value);
                };
                case "--service-prop" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--service-prop needs key=value, got " + value);
                    }
                    props.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("Unknown option " + name + "\n" + USAGE);
            }
        }
        if (subjects < 1 || vendors < 1 || rate == 0 || duration < 1 || vendorRateLimit < 1
                || batchSize < 1) {
            throw new IllegalArgumentException("--subjects, --vendors, --rate, --duration, --vendor-rate-limit and"
                    + " --webhook-batch-size must be positive");
        }
        if (warmUp < 0) {
            throw new IllegalArgumentException("--warm-up is a number of seconds, 0 or more, got " + warmUp);
        }
        if (rate < 0) {
            rate = connectors == Connectors.NONE ? TARGET_RATE_ALONE : TARGET_RATE;
        }
        if (batch < 0) {
            batch = Math.max(1_000, subjects / 5);
        }
        return new BenchOptions(subjects, vendors, rate, duration, batch, bootstrap, registry, out, heap, ackTimeout,
                jar, Map.copyOf(props), List.copyOf(jvmArgs), connectors, connectorHeap, vendorRateLimit, batchSize,
                baselineRecords, warmUp, brokerProcess);
    }

    /** Whether the run's size and rate are those the consent core's targets are stated for. */
    public boolean atTargetConditions() {
        return subjects >= TARGET_SUBJECTS
                && rate == (connectors == Connectors.NONE ? TARGET_RATE_ALONE : TARGET_RATE);
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.replace(",", "").replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got " + value);
        }
    }

    /** Where the vendor connectors run. */
    public enum Connectors {
        IN_PROCESS("in-process"), SEPARATE("separate"), NONE("none");

        private final String option;

        Connectors(String option) {
            this.option = option;
        }

        /** The {@code --connectors} value. */
        public String option() {
            return option;
        }

        static Connectors parse(String value) {
            for (Connectors connectors : values()) {
                if (connectors.option.equals(value)) {
                    return connectors;
                }
            }
            throw new IllegalArgumentException("--connectors is in-process, separate or none, got " + value);
        }
    }
}
