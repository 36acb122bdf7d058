package dev.consentrelay.connector;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;

/**
 * One vendor's connector: its own consumer (group {@code consent-relay-connector-<vendorId>}, {@code read_committed},
 * manual commits) on its own thread, and {@code concurrency} lanes that deliver. A command goes to the lane chosen by
 * its subject, so one subject's commands are delivered in order, retries included, while other subjects proceed on
 * other lanes. Nothing is shared with other vendors but the ack producer, so a slow or dead vendor only holds back
 * itself.
 * <p>
 * Offsets are committed up to the lowest command whose acknowledgement is not yet published ({@link OffsetTracker});
 * when {@code bufferLimit} commands are in flight the consumer pauses its partitions and resumes once half have
 * drained. Commands already acknowledged ({@link AckedCommands}) are skipped; undecodable records are logged with
 * their position and skipped without an ack.
 */
public final class VendorConnector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VendorConnector.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long COMMIT_INTERVAL_MS = 200;

    /** Settings of one vendor's connector. */
    public record Settings(String vendorId, String topic, int concurrency, int bufferLimit) {
        public Settings {
            if (concurrency < 1 || bufferLimit < 1) {
                throw new IllegalArgumentException("concurrency and buffer must be positive");
            }
        }

        /** The consumer group of a vendor's connector. */
        public String groupId() {
            return "consent-relay-connector-" + vendorId;
        }
    }

    private final Settings settings;
    private final Consumer<String, byte[]> consumer;
    private final Deserializer<PropagationCommand> commands;
    private final RetryingDelivery delivery;
    private final AckPublisher acks;
    private final AckedCommands acked;
    private final ConnectorMetrics metrics;
    private final OffsetTracker offsets = new OffsetTracker();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final SubjectLanes lanes;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean paused;
    private long lastCommit;

    public VendorConnector(Settings settings, Map<String, Object> clientConfig,
            Deserializer<PropagationCommand> commands, RetryingDelivery delivery, AckPublisher acks,
            AckedCommands acked, ConnectorMetrics metrics) {
        this.settings = settings;
        this.commands = commands;
        this.delivery = delivery;
        this.acks = acks;
        this.acked = acked;
        this.metrics = metrics;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.bufferLimit());
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.lanes = new SubjectLanes("connector-" + settings.vendorId(), settings.concurrency());
        metrics.inFlight(settings.vendorId(), inFlight::get);
        this.thread = new Thread(this::run, "connector-" + settings.vendorId());
        this.thread.setDaemon(true);
    }

    /** Starts consuming on the connector's own thread. */
    public void start() {
        thread.start();
    }

    /** Commands received and not yet acknowledged. */
    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit();
                    offsets.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (paused) {
                        consumer.pause(partitions);
                    }
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    dispatch(record);
                }
                applyBackpressure();
                if (System.currentTimeMillis() - lastCommit >= COMMIT_INTERVAL_MS) {
                    commit();
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up
        } catch (RuntimeException e) {
            LOG.errorf(e, "Vendor %s: the connector's consumer failed and stopped", settings.vendorId());
        } finally {
            stopLanes();
            try {
                commit();
            } catch (RuntimeException e) {
                LOG.warnf("Vendor %s: last offset commit failed (%s); unacknowledged commands will be redelivered",
                        settings.vendorId(), e.getClass().getSimpleName());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PropagationCommand command;
        try {
            command = commands.deserialize(record.topic(), record.headers(), record.value());
            if (command == null) {
                throw new IllegalArgumentException("empty record");
            }
        } catch (RuntimeException e) {
            LOG.errorf("Vendor %s: undecodable command at %s-%d offset %d skipped (%s)", settings.vendorId(),
                    record.topic(), record.partition(), record.offset(), e.getClass().getSimpleName());
            offsets.skipped(partition, record.offset());
            return;
        }
        if (acked.contains(command.getCommandId())) {
            skip(command, partition, record.offset());
            return;
        }
        offsets.started(partition, record.offset());
        inFlight.incrementAndGet();
        lanes.submit(command.getSubjectId(), () -> deliver(command, partition, record.offset()));
    }

    private void deliver(PropagationCommand command, TopicPartition partition, long offset) {
        try {
            UUID commandId = command.getCommandId();
            if (acked.contains(commandId)) {
                // The same command came twice while the first was still on its way.
                skip(command, partition, offset);
                offsets.done(partition, offset);
                return;
            }
            RetryingDelivery.Outcome outcome = delivery.deliver(command);
            acks.publish(CommandAck.newBuilder().setCommandId(commandId).setVendorId(settings.vendorId())
                    .setSignalId(command.getSignalId()).setStatus(outcome.status()).setDetail(outcome.detail())
                    .setAppliedAt(outcome.finishedAt()).setAttempts(outcome.attempts()).build());
            acked.add(commandId);
            metrics.delivered(settings.vendorId(), command.getAction().name(), outcome.status().name());
            offsets.done(partition, offset);
        } catch (InterruptedException stopping) {
            // Stopping: no ack, the offset stays uncommitted and the command is delivered after the restart.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A bug, not a vendor answer: leave the offset uncommitted so the command is retried after a restart.
            LOG.errorf("Vendor %s: %s delivery crashed (%s); it will be retried after a restart",
                    settings.vendorId(), command.getAction(), e.getClass().getName());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void skip(PropagationCommand command, TopicPartition partition, long offset) {
        LOG.debugf("Vendor %s: %s command already acknowledged, skipped", settings.vendorId(), command.getAction());
        metrics.delivered(settings.vendorId(), command.getAction().name(), "SKIPPED");
        offsets.skipped(partition, offset);
    }

    private void applyBackpressure() {
        int buffered = inFlight.get();
        if (!paused && buffered >= settings.bufferLimit()) {
            consumer.pause(consumer.assignment());
            paused = true;
            LOG.debugf("Vendor %s: %d commands in flight, consumer paused", settings.vendorId(), buffered);
        } else if (paused && buffered <= settings.bufferLimit() / 2) {
            consumer.resume(consumer.paused());
            paused = false;
            LOG.debugf("Vendor %s: consumer resumed", settings.vendorId());
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> due = offsets.committable();
        due.keySet().retainAll(consumer.assignment());
        if (!due.isEmpty()) {
            consumer.commitSync(due);
            offsets.committed(due);
        }
        lastCommit = System.currentTimeMillis();
    }

    private void stopLanes() {
        try {
            if (!lanes.stop(Duration.ofSeconds(10))) {
                LOG.warnf("Vendor %s: a delivery did not stop in time", settings.vendorId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops consuming and delivering; commits what is acknowledged. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
