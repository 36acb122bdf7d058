package dev.consentrelay.connector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The connectors' one Kafka consumer: every vendor's command topic, consumer group {@value #GROUP_ID} (in the service),
 * {@code read_committed}, polled on one thread that hands each record to its vendor's {@link Receiver}. One vendor
 * never holds back another: a receiver that has all it may hold in flight pauses its topic's partitions (through
 * {@link #pauser}; a record it cannot take is fetched again later) while the others go on being fetched.
 * <p>
 * Commits are manual: each partition is committed, every second and when it is revoked or the feed closes, up to
 * its lowest record not yet finished, so a crash redelivers every command whose acknowledgement was not stored and
 * none that was. A partition this group has never committed starts where the vendor's consumer group of earlier
 * releases ({@code consent-relay-connector-<vendorId>}) stopped, so an upgrade neither repeats nor skips commands.
 */
public final class CommandFeed implements AutoCloseable {

    /** The consumer group of the vendor connectors. */
    public static final String GROUP_ID = "consent-relay-connectors";

    private static final Logger LOG = Logger.getLogger(CommandFeed.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Fetched per partition at most. */
    static final int MAX_PARTITION_FETCH_BYTES = 256 * 1024;
    /** Fetched per response at most. */
    static final int FETCH_MAX_BYTES = 4 * 1024 * 1024;
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);

    /** One command record as its vendor's receiver gets it; {@code done} is called once it is finished with. */
    public record CommandRecord(String topic, int partition, long offset, Headers headers, byte[] value,
            Runnable done) {
    }

    /** Where the records of one command topic go. */
    public interface Receiver {

        /** Whether it takes one more record now. */
        boolean accepts();

        /** Takes the record; it calls the record's {@code done} once finished, on any thread. Never blocks. */
        void receive(CommandRecord record);
    }

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> adminConfig;
    private final Map<String, Receiver> receivers = new HashMap<>();
    private final Map<String, String> legacyGroups = new HashMap<>();
    private final Set<String> pausedTopics = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pausesChanged = new AtomicBoolean();
    /** Partitions assigned, with the offsets handed out and not yet finished. Poll thread only. */
    private final Map<TopicPartition, Progress> progress = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;
    private KafkaConsumer<String, byte[]> consumer;
    private long lastCommit = System.nanoTime();

    /**
     * @param clientConfig the application's Kafka client settings (bootstrap servers, security)
     * @param groupId the consumer group, {@value #GROUP_ID} in the service
     * @param groupInstanceId static membership id, or null
     */
    public CommandFeed(Map<String, Object> clientConfig, String groupId, String groupInstanceId) {
        this.adminConfig = new HashMap<>(clientConfig);
        adminConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        adminConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-admin");
        this.consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A paused partition keeps its fetched records, and with them the whole fetch response they came in: with the
        // client's defaults (1 MiB a partition, 50 MiB a response) a backlog kept 40 MB responses alive and every fetch
        // went straight to the old generation. A vendor never takes more than a few hundred commands at a time.
        consumerConfig.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_PARTITION_FETCH_BYTES);
        consumerConfig.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
        if (groupInstanceId != null) {
            consumerConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        }
        this.thread = new Thread(this::run, "connector-feed");
        thread.setDaemon(true);
    }

    /**
     * Sends the records of {@code topic} to {@code receiver}, before {@link #start}; {@code legacyGroup} is the
     * consumer group that consumed the topic in earlier releases.
     */
    public synchronized void register(String topic, Receiver receiver, String legacyGroup) {
        if (thread.isAlive()) {
            throw new IllegalStateException("register the topics before starting the feed");
        }
        receivers.put(topic, receiver);
        legacyGroups.put(topic, legacyGroup);
    }

    /** Starts polling the registered topics. */
    public synchronized void start() {
        if (receivers.isEmpty()) {
            throw new IllegalStateException("no topics registered");
        }
        thread.start();
    }

    /** Stops and starts the fetching of one topic, for its receiver's back-pressure. */
    public ChannelPauser pauser(String topic) {
        return new ChannelPauser() {
            @Override
            public void pause() {
                if (pausedTopics.add(topic)) {
                    pausesChanged.set(true);
                }
            }

            @Override
            public void resume() {
                if (pausedTopics.remove(topic)) {
                    pausesChanged.set(true);
                }
            }
        };
    }

    /** Whether the feed polls: started and neither closed nor stopped by a failure. */
    public boolean polling() {
        return running && thread.isAlive();
    }

    /** Whether the feed stopped on a failure (not closed): only a restart brings it back. */
    public boolean failed() {
        return failed;
    }

    /** Stops polling, commits what was finished and closes the consumer. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(CLOSE_TIMEOUT.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The connectors' command consumer did not stop in time");
        }
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> opened = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = opened;
            consumer.subscribe(Set.copyOf(receivers.keySet()), new Rebalance());
            while (running) {
                pollOnce();
            }
            commit(true);
        } catch (RuntimeException e) {
            failed = true;
            LOG.errorf("The connectors' command consumer stopped (%s); commands not acknowledged are delivered "
                    + "after a restart", e.toString());
        }
    }

    private void pollOnce() {
        try {
            if (pausesChanged.getAndSet(false)) {
                applyPauses(consumer.assignment());
            }
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            for (TopicPartition partition : records.partitions()) {
                dispatch(partition, records.records(partition));
            }
            if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS) {
                commit(false);
            }
        } catch (WakeupException | InterruptException e) {
            running = false;
        } catch (KafkaException e) {
            if (e.getCause() instanceof EarlierPositionsUnknown unknown) {
                throw unknown;
            }
            LOG.errorf("The connectors' command consumer failed (%s); retrying in %s", e.toString(),
                    FAILURE_BACKOFF);
            sleep(FAILURE_BACKOFF);
        }
    }

    /** Hands the partition's records to their receiver while it takes them; the rest are fetched again later. */
    private void dispatch(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
        Receiver receiver = receivers.get(partition.topic());
        Progress handedOut = progress.get(partition);
        if (receiver == null || handedOut == null) {
            return;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            if (!receiver.accepts()) {
                // The receiver paused its topic when it filled up: the rest is fetched again once it resumes.
                consumer.seek(partition, record.offset());
                return;
            }
            long offset = record.offset();
            handedOut.started(offset);
            receiver.receive(new CommandRecord(record.topic(), record.partition(), offset, record.headers(),
                    record.value(), () -> handedOut.finished(offset)));
        }
    }

    private void applyPauses(Collection<TopicPartition> partitions) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            (pausedTopics.contains(partition.topic()) ? pause : resume).add(partition);
        }
        consumer.pause(pause);
        consumer.resume(resume);
    }

    /** Commits each partition up to its lowest unfinished record, or its position when none is unfinished. */
    private void commit(boolean sync) {
        lastCommit = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(progress.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            commitSync(offsets);
            return;
        }
        consumer.commitAsync(offsets, (done, failure) -> {
            if (failure == null) {
                done.forEach((partition, offset) -> committed.put(partition, offset.offset()));
            } else {
                LOG.warnf("Cannot commit the connectors' positions (%s); retried within a second",
                        failure.toString());
            }
        });
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, CLOSE_TIMEOUT);
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        } catch (KafkaException e) {
            LOG.warnf("Cannot commit the connectors' positions of %s (%s); their unacknowledged commands are "
                    + "delivered again", offsets.keySet(), e.toString());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long lowest = progress.get(partition).lowestUnfinished();
            long offset = lowest >= 0 ? lowest : consumer.position(partition);
            Long last = committed.get(partition);
            if (last == null || last != offset) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        }
        return offsets;
    }

    /** Seeks the partitions this group never committed to where the vendor's group of earlier releases stopped. */
    private void continueLegacyGroups(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> own = consumer.committed(Set.copyOf(partitions));
        Map<String, List<TopicPartition>> uncommitted = partitions.stream()
                .filter(p -> own.get(p) == null && legacyGroups.containsKey(p.topic()))
                .collect(Collectors.groupingBy(TopicPartition::topic));
        if (uncommitted.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(adminConfig)) {
            for (Map.Entry<String, List<TopicPartition>> topic : uncommitted.entrySet()) {
                String group = legacyGroups.get(topic.getKey());
                Map<TopicPartition, OffsetAndMetadata> legacy = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                for (TopicPartition partition : topic.getValue()) {
                    OffsetAndMetadata offset = legacy.get(partition);
                    if (offset != null) {
                        consumer.seek(partition, offset);
                        LOG.infof("%s continues from offset %d, where consumer group %s stopped", partition,
                                offset.offset(), group);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (Exception e) {
            // Starting from the beginning would deliver every command again: better not to start.
            throw new EarlierPositionsUnknown(e);
        }
    }

    /** The positions of the connectors' earlier consumer groups cannot be read: the feed stops rather than guess. */
    static final class EarlierPositionsUnknown extends KafkaException {
        private static final long serialVersionUID = 1L;

        EarlierPositionsUnknown(Throwable cause) {
            super("Cannot read where the connectors' consumer groups of earlier releases stopped", cause);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the bookkeeping in step with the group's assignment, on the poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(
                    partitions.stream().filter(progress::containsKey).toList());
            if (!offsets.isEmpty()) {
                commitSync(offsets);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            partitions.forEach(partition -> progress.put(partition, new Progress()));
            continueLegacyGroups(partitions);
            applyPauses(partitions);
            LOG.infof("Connectors assigned %d command partition(s)", partitions.size());
        }

        private void forget(Collection<TopicPartition> partitions) {
            // A revoked partition's deliveries still running finish on a Progress nobody reads any more.
            partitions.forEach(partition -> {
                progress.remove(partition);
                committed.remove(partition);
            });
        }
    }

    /** The offsets of one partition handed out and not yet finished. */
    static final class Progress {

        private final TreeSet<Long> unfinished = new TreeSet<>();

        synchronized void started(long offset) {
            unfinished.add(offset);
        }

        synchronized void finished(long offset) {
            unfinished.remove(offset);
        }

        /** The lowest offset handed out and not finished, or -1 when there is none. */
        synchronized long lowestUnfinished() {
            return unfinished.isEmpty() ? -1 : unfinished.first();
        }
    }
}
