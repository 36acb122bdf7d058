package dev.consentrelay.connector;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition may be committed, when commands finish out of order across lanes: the committed
 * position of a partition never passes its lowest command whose acknowledgement is not yet published, so a crash
 * redelivers every unacknowledged command (and the acknowledged set skips the ones finished after it). Thread-safe:
 * the consumer thread starts and commits, lane threads finish.
 */
public final class OffsetTracker {

    private static final class Partition {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1;
        long committed = -1;

        long position() {
            return pending.isEmpty() ? next : pending.first();
        }
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /** A command at this offset is on its way to the vendor. */
    public synchronized void started(TopicPartition partition, long offset) {
        Partition state = partitions.computeIfAbsent(partition, p -> new Partition());
        state.pending.add(offset);
        state.next = Math.max(state.next, offset + 1);
    }

    /** The record at this offset needs no acknowledgement (skipped or undecodable). */
    public synchronized void skipped(TopicPartition partition, long offset) {
        Partition state = partitions.computeIfAbsent(partition, p -> new Partition());
        state.next = Math.max(state.next, offset + 1);
    }

    /** The acknowledgement of the command at this offset is published. */
    public synchronized void done(TopicPartition partition, long offset) {
        Partition state = partitions.get(partition);
        if (state != null) {
            state.pending.remove(offset);
        }
    }

    /** Commands started and not done, over all partitions. */
    public synchronized int pending() {
        return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
    }

    /** Positions that moved since the last {@link #committed}: the offsets to commit now. */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, state) -> {
            long position = state.position();
            if (position >= 0 && position > state.committed) {
                offsets.put(partition, new OffsetAndMetadata(position));
            }
        });
        return offsets;
    }

    /** These offsets were committed. */
    public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            Partition state = partitions.get(partition);
            if (state != null) {
                state.committed = Math.max(state.committed, offset.offset());
            }
        });
    }

    /** Forgets partitions this consumer no longer owns. */
    public synchronized void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }
}
