package dev.consentrelay.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.serde.AvroDeserializer;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Watches, as a vendor would, what becomes visible to {@code read_committed} consumers: commands on the vendors'
 * topics and acknowledgements on the acks topic. Each is matched to the signal that caused it (by the signal id it
 * carries; of a command only that is read, see {@link SignalIdReader}) and its latency recorded from the signal's
 * <em>intended</em> send time, so a sender that falls behind shows up as latency instead of hiding it (no coordinated
 * omission).
 */
final class LatencyWatcher implements AutoCloseable {

    /** Highest latency recorded, in microseconds: ten minutes. */
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    /**
     * Signals meant to be sent this long after the first are also counted apart: past the service's warm-up of the
     * mix (the JIT compiling what the preload never ran), where the latency of a long-running service shows.
     */
    static final Duration SETTLING = Duration.ofSeconds(20);

    private final Map<String, Long> intendedNanos = new ConcurrentHashMap<>();
    private final Histogram decision = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram propagation = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram decisionSettled = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram propagationSettled = new Histogram(HIGHEST_MICROS, 3);
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong matchedCommands = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong matchedAcks = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    /** Worst decision latency (ms) by second of intended send time, counted from the first expected signal. */
    private final Map<Long, LongAccumulator> worstBySecond = new ConcurrentHashMap<>();
    private volatile long firstIntended = Long.MIN_VALUE;
    private volatile boolean running = true;
    private volatile boolean recording = true;

    /**
     * Starts watching from the current end of the topics.
     *
     * @param bootstrap Kafka
     * @param registry registry for decoding
     * @param commandTopics the vendors' command topics
     * @param ackTopic the acknowledgements topic, or {@code null} when it does not exist
     */
    static LatencyWatcher start(String bootstrap, SchemaRegistryClient registry, Collection<String> commandTopics,
            String ackTopic) {
        LatencyWatcher watcher = new LatencyWatcher();
        watcher.watch("bench-command-watcher", bootstrap, commandTopics,
                new SignalIdReader(registry), watcher::onCommand);
        if (ackTopic != null) {
            watcher.watch("bench-ack-watcher", bootstrap, List.of(ackTopic),
                    new AvroDeserializer<>(CommandAck.class, registry, false), watcher::onAck);
        }
        return watcher;
    }

    /** Notes that a signal was meant to be sent at {@code nanos} ({@link System#nanoTime()}). */
    void expect(String signalId, long nanos) {
        if (firstIntended == Long.MIN_VALUE) {
            firstIntended = nanos;
        }
        intendedNanos.put(signalId, nanos);
    }

    /** Stops recording latencies (what arrives later is only counted). */
    void stopRecording() {
        recording = false;
    }

    private <T> void watch(String name, String bootstrap, Collection<String> topics, Deserializer<T> deserializer,
            RecordHandler<T> handler) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, name + "-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolve the positions now, so nothing sent from here on is missed.
        partitions.forEach(consumer::position);
        Thread thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        if (record.value() != null) {
                            handler.handle(record.key(), record.value(), now);
                        }
                    }
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private void onCommand(String key, String signalId, long now) {
        commands.incrementAndGet();
        Long intended = intendedNanos.get(signalId);
        if (intended != null && recording) {
            matchedCommands.incrementAndGet();
            decision.recordValue(micros(now - intended));
            if (settled(intended)) {
                decisionSettled.recordValue(micros(now - intended));
            }
            worstBySecond.computeIfAbsent(TimeUnit.NANOSECONDS.toSeconds(intended - firstIntended),
                    second -> new LongAccumulator(Math::max, 0))
                    .accumulate(TimeUnit.NANOSECONDS.toMillis(now - intended));
        }
    }

    /** Each acknowledgement a record carries (a connector publishes a subject's answers together). */
    private void onAck(String key, CommandAck record, long now) {
        AckRecords.each(record).forEach(ack -> onEachAck(ack, now));
    }

    private void onEachAck(CommandAck ack, long now) {
        acks.incrementAndGet();
        // The connectors name the signal in every acknowledgement; one that does not is counted, not matched.
        Long intended = ack.getSignalId() == null ? null : intendedNanos.get(String.valueOf(ack.getSignalId()));
        if (intended != null && recording) {
            matchedAcks.incrementAndGet();
            propagation.recordValue(micros(now - intended));
            if (settled(intended)) {
                propagationSettled.recordValue(micros(now - intended));
            }
        }
    }

    private boolean settled(long intended) {
        return intended - firstIntended >= SETTLING.toNanos();
    }

    private static long micros(long nanos) {
        return Math.min(HIGHEST_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }

    /** The worst decision latency (ms) of the signals meant to be sent in each second; -1 for a second with none. */
    List<Long> worstDecisionBySecond() {
        long last = worstBySecond.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        List<Long> worst = new ArrayList<>();
        for (long second = 0; second <= last; second++) {
            LongAccumulator found = worstBySecond.get(second);
            worst.add(found == null ? -1 : found.get());
        }
        return worst;
    }

    long commands() {
        return commands.get();
    }

    long matchedCommands() {
        return matchedCommands.get();
    }

    long acks() {
        return acks.get();
    }

    long matchedAcks() {
        return matchedAcks.get();
    }

    /** Decision latency histogram (microseconds); read it after {@link #close()}. */
    Histogram decision() {
        return decision;
    }

    /** Propagation latency histogram (microseconds); read it after {@link #close()}. */
    Histogram propagation() {
        return propagation;
    }

    /** Decision latencies of the signals meant to be sent {@link #SETTLING} or more after the first. */
    Histogram decisionSettled() {
        return decisionSettled;
    }

    /** Propagation latencies of the signals meant to be sent {@link #SETTLING} or more after the first. */
    Histogram propagationSettled() {
        return propagationSettled;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @FunctionalInterface
    private interface RecordHandler<T> {
        void handle(String key, T value, long nowNanos);
    }
}
