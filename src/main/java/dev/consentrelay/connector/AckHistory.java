package dev.consentrelay.connector;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.jboss.logging.Logger;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.schema.CommandAck;

/**
 * Rebuilds the acknowledged command ids of each vendor at start, by reading the recent window of the acks topic
 * ({@code offsetsForTimes}) with {@code read_committed}, without a consumer group: at most the last records of each
 * partition that could fill the vendors' capacities (their sum over the partitions), so a start after a busy week
 * reads a few hundred thousand records, not every acknowledgement of the window. Acks of vendors not in the map
 * are ignored; undecodable records are skipped.
 */
public final class AckHistory {

    private static final Logger LOG = Logger.getLogger(AckHistory.class);

    private AckHistory() {
    }

    /** Adds the commandIds acknowledged within {@code window} to each vendor's set; gives up after {@code limit}. */
    public static void load(Map<String, Object> clientConfig, String topic, Deserializer<CommandAck> deserializer,
            Duration window, Duration limit, Clock clock, Map<String, AckedCommands> byVendor) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "consent-relay-connector-ack-history");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        long deadline = clock.millis() + limit.toMillis();
        int loaded = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, limit).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            long since = clock.millis() - window.toMillis();
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> since)), limit);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, limit);
            // Each vendor keeps its newest ids only: records older than the last ones that could fill every vendor's
            // capacity are not read, however far back the window goes.
            long capacity = byVendor.values().stream().mapToLong(AckedCommands::capacity).sum();
            long tail = (capacity + partitions.size() - 1) / partitions.size();
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                long end = ends.get(partition);
                consumer.seek(partition, start == null ? end : Math.max(start.offset(), end - tail));
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (clock.millis() > deadline) {
                    LOG.warnf("Reading acknowledged commands from %s took longer than %s; continuing with %d ids",
                            topic, limit, loaded);
                    return;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    CommandAck carried;
                    try {
                        carried = deserializer.deserialize(topic, record.headers(), record.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (carried == null) {
                        continue;
                    }
                    for (CommandAck ack : AckRecords.each(carried)) {
                        AckedCommands acked = byVendor.get(ack.getVendorId());
                        if (acked != null) {
                            acked.add(ack.getCommandId());
                            loaded++;
                        }
                    }
                }
            }
        }
        LOG.debugf("Read %d acknowledged command ids from %s", loaded, topic);
    }
}
