package dev.consentrelay.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer group lag from the broker's point of view: committed offsets of a group against the end offsets of its
 * input topics. The benchmark waits on this instead of sleeping: lag zero means every record was processed and its
 * results committed.
 */
final class ConsumerLag {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    ConsumerLag(Admin admin) {
        this.admin = admin;
    }

    /** Every partition of the given topics (those that exist). */
    Set<TopicPartition> partitions(Collection<String> topics) throws InterruptedException {
        Set<String> existing = get(admin.listTopics().names());
        Set<String> wanted = topics.stream().filter(existing::contains).collect(Collectors.toSet());
        Map<String, TopicDescription> descriptions = get(admin.describeTopics(wanted).allTopicNames());
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toSet());
    }

    /** Latest offsets (log end offsets) of the partitions. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = partitions.stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = get(admin.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** Committed offsets of the group; a partition it has not committed yet counts as offset 0. */
    Map<TopicPartition, Long> committed(String group, Collection<TopicPartition> partitions)
            throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = get(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed.get(tp);
            offsets.put(tp, om == null ? 0L : om.offset());
        }
        return offsets;
    }

    /** Records of the topics not yet committed by the group. */
    long lag(String group, Collection<TopicPartition> partitions) throws InterruptedException {
        return lag(committed(group, partitions), endOffsets(partitions));
    }

    /** Records between {@code committed} and {@code targets}, per partition, never negative. */
    static long lag(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> targets) {
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
            lag += Math.max(0, target.getValue() - committed.getOrDefault(target.getKey(), 0L));
        }
        return lag;
    }

    /**
     * Waits until the group has committed up to the current end of every partition of the topics (partitions looked
     * up again on each poll, since Kafka Streams creates its repartition topic itself).
     *
     * @return nanoTime at which lag zero was first seen
     */
    long awaitZero(String group, Collection<String> topics, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastLag = -1;
        while (System.nanoTime() < deadline) {
            Set<TopicPartition> partitions = partitions(topics);
            lastLag = lag(group, partitions);
            if (lastLag == 0) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Consumer group " + group + " still had a lag of " + lastLag + " on " + topics
                + " after " + timeout.toSeconds() + " s");
    }

    /** Waits until the group has committed at least {@code targets}; returns the nanoTime it was first seen. */
    /**
     * Waits until {@code group} has committed all but {@code remaining} records up to {@code targets}; returns
     * {@link System#nanoTime()} then.
     */
    long awaitLagAtMost(String group, Map<TopicPartition, Long> targets, long remaining, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastLag = -1;
        while (System.nanoTime() < deadline) {
            lastLag = lag(committed(group, targets.keySet()), targets);
            if (lastLag <= remaining) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Consumer group " + group + " still had " + lastLag
                + " records to commit after " + timeout.toSeconds() + " s");
    }

    long awaitCommitted(String group, Map<TopicPartition, Long> targets, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastLag = -1;
        while (System.nanoTime() < deadline) {
            lastLag = lag(committed(group, targets.keySet()), targets);
            if (lastLag == 0) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Consumer group " + group + " still had " + lastLag
                + " records to commit after " + timeout.toSeconds() + " s");
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Admin request failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Admin request timed out", e);
        }
    }
}
