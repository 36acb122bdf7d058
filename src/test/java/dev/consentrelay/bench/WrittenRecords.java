package dev.consentrelay.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * What the service writes, counted from the topics' end offsets: every topic on the broker except the benchmark's own
 * input and Kafka's internal topics (changelogs, repartitions, commands, audit, acknowledgements, receipts, state).
 * Transaction markers take an offset each, so they count too: they are real writes.
 */
final class WrittenRecords {

    static final Duration SETTLE = Duration.ofSeconds(3);

    private final Admin admin;
    private final ConsumerLag lag;
    private final Set<String> excluded;

    WrittenRecords(Admin admin, ConsumerLag lag, Collection<String> excluded) {
        this.admin = admin;
        this.lag = lag;
        this.excluded = Set.copyOf(excluded);
    }

    /** End offsets summed per topic the service writes. */
    Map<String, Long> snapshot() throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(topic -> !topic.startsWith("_") && !excluded.contains(topic)).collect(Collectors.toSet());
        Map<String, Long> byTopic = new TreeMap<>();
        for (Map.Entry<TopicPartition, Long> end : lag.endOffsets(lag.partitions(topics)).entrySet()) {
            byTopic.merge(end.getKey().topic(), end.getValue(), Long::sum);
        }
        return byTopic;
    }

    /**
     * Waits until nothing more is written for {@link #SETTLE} (the connectors have acknowledged, the receipts are out),
     * at most {@code timeout}; returns the last snapshot.
     */
    Map<String, Long> settled(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> last = snapshot();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            Map<String, Long> now = snapshot();
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= SETTLE.toNanos()) {
                break;
            }
        }
        return last;
    }

    /**
     * Writes {@code recordsPerSignal} and the same per topic (topics that did not move are left out) into {@code out}.
     */
    static void report(ObjectNode out, Map<String, Long> before, Map<String, Long> after, long signals) {
        ObjectNode perTopic = out.putObject("recordsPerSignalByTopic");
        long total = 0;
        for (Map.Entry<String, Long> entry : after.entrySet()) {
            long written = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            if (written > 0) {
                perTopic.put(entry.getKey(), Math.round(written * 100.0 / signals) / 100.0);
                total += written;
            }
        }
        out.put("recordsWritten", total);
        out.put("recordsPerSignal", Math.round(total * 100.0 / signals) / 100.0);
    }
}
