package dev.consentrelay.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning with {@code isolation.level=read_committed}, keeping what it read, and catches up
 * on demand: to the last stable offset of every partition as it was when asked. Values stay raw bytes; the caller
 * decodes them with the project's serde.
 */
final class CommittedReader implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private List<TopicPartition> partitions = List.of();

    CommittedReader(String bootstrapServers, String topic) {
        this.topic = topic;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads until every partition's position reaches its end offset (the LSO) taken now; returns all records. */
    List<ConsumerRecord<byte[], byte[]>> catchUp(Duration timeout) {
        assignIfNeeded();
        if (partitions.isEmpty()) {
            return records;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Deadline deadline = Deadline.in(timeout);
        while (!reached(end)) {
            deadline.check("reading " + topic + " up to " + end);
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void assignIfNeeded() {
        var infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
        if (infos == null || infos.size() == partitions.size()) {
            return;
        }
        List<TopicPartition> all = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        List<TopicPartition> added = all.stream().filter(p -> !partitions.contains(p)).toList();
        consumer.assign(all);
        consumer.seekToBeginning(added);
        partitions = all;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
