package dev.consentrelay.connector;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;

/**
 * One vendor's connector: it subscribes to the vendor's SmallRye Reactive Messaging Kafka channel (its own consumer,
 * group {@code consent-relay-connector-<vendorId>}, {@code read_committed}, {@code throttled} commits) and delivers
 * on {@code concurrency} lanes. A command goes to the lane chosen by its subject, so one subject's commands are
 * delivered in order, retries included, while other subjects proceed on other lanes. Nothing is shared with other
 * vendors but the ack channel, so a slow or dead vendor only holds back itself.
 * <p>
 * A lane hands each acknowledgement to the {@link AckSink} and goes on without waiting for the broker. A message is
 * acknowledged to the channel only once the command's own acknowledgement is on the broker (or the command was
 * skipped), and the channel commits a partition only up to its lowest unacknowledged message, so a crash
 * redelivers every command whose ack is not published. The connector requests {@code bufferLimit} messages and one
 * more for each finished, so no more are ever in flight; when they all are, it also pauses the channel's consumer
 * ({@link ChannelPauser}) and resumes it once half have finished.
 * Commands already acknowledged ({@link AckedCommands}) are skipped; undecodable records are logged with their
 * position and skipped without an ack.
 */
public final class VendorConnector implements Flow.Subscriber<Message<?>>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VendorConnector.class);
    private static final long REPAUSE_NANOS = 20_000_000L;

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

        /** The name of the vendor's channel (in logs and health reports). */
        public String channel() {
            return "connector-" + vendorId;
        }
    }

    private final Settings settings;
    private final Deserializer<PropagationCommand> commands;
    private final RetryingDelivery delivery;
    private final AckSink acks;
    private final AckedCommands acked;
    private final ConnectorMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final SubjectLanes lanes;
    private final ChannelPauser pauser;
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile long lastPause;
    private volatile Flow.Subscription subscription;
    private volatile boolean running = true;

    public VendorConnector(Settings settings, Deserializer<PropagationCommand> commands, RetryingDelivery delivery,
            AckSink acks, AckedCommands acked, ConnectorMetrics metrics, ChannelPauser pauser) {
        this.settings = settings;
        this.pauser = pauser;
        this.commands = commands;
        this.delivery = delivery;
        this.acks = acks;
        this.acked = acked;
        this.metrics = metrics;
        this.lanes = new SubjectLanes(settings.channel(), settings.concurrency());
        metrics.inFlight(settings.vendorId(), inFlight::get);
    }

    /** Commands received and not yet acknowledged. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(settings.bufferLimit());
    }

    /** Called on the channel's context: decodes and hands the command to its lane, never blocks. */
    @Override
    public void onNext(Message<?> message) {
        if (!running) {
            // Stopping: not acknowledged, so not committed; delivered after the restart.
            return;
        }
        applyBackpressure(inFlight.incrementAndGet());
        PropagationCommand command = decode(message);
        if (command == null) {
            finished(message);
            return;
        }
        if (acked.contains(command.getCommandId())) {
            skip(command);
            finished(message);
            return;
        }
        lanes.submit(command.getSubjectId(), () -> deliver(command, message));
    }

    @Override
    public void onError(Throwable failure) {
        LOG.errorf("Vendor %s: the connector's channel failed and stopped (%s); commands not acknowledged are "
                + "delivered after a restart", settings.vendorId(), failure.toString());
    }

    @Override
    public void onComplete() {
        LOG.infof("Vendor %s: the connector's channel completed", settings.vendorId());
    }

    private PropagationCommand decode(Message<?> message) {
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        try {
            Headers headers = metadata == null ? null : metadata.getHeaders();
            String topic = metadata == null ? settings.topic() : metadata.getTopic();
            PropagationCommand command = commands.deserialize(topic, headers, (byte[]) message.getPayload());
            if (command == null) {
                throw new IllegalArgumentException("empty record");
            }
            return command;
        } catch (RuntimeException e) {
            if (metadata == null) {
                LOG.errorf("Vendor %s: undecodable command skipped (%s)", settings.vendorId(),
                        e.getClass().getSimpleName());
            } else {
                LOG.errorf("Vendor %s: undecodable command at %s-%d offset %d skipped (%s)", settings.vendorId(),
                        metadata.getTopic(), metadata.getPartition(), metadata.getOffset(),
                        e.getClass().getSimpleName());
            }
            return null;
        }
    }

    /**
     * Delivers on the subject's lane, then hands the acknowledgement to the sink and goes on with the lane's next
     * command: the message is finished when the sink has stored the ack, on whichever thread that completes.
     */
    private void deliver(PropagationCommand command, Message<?> message) {
        boolean handedOver = false;
        try {
            UUID commandId = command.getCommandId();
            if (acked.contains(commandId)) {
                // The same command came twice while the first was still on its way.
                skip(command);
                finished(message);
                handedOver = true;
                return;
            }
            RetryingDelivery.Outcome outcome = delivery.deliver(command);
            if (!running) {
                // Stopped during the delivery: the command is delivered again after the restart, as it is unacked.
                return;
            }
            CommandAck ack = CommandAck.newBuilder().setCommandId(commandId).setVendorId(settings.vendorId())
                    .setSignalId(command.getSignalId()).setStatus(outcome.status()).setDetail(outcome.detail())
                    .setAppliedAt(outcome.finishedAt()).setAttempts(outcome.attempts()).build();
            acks.publish(command.getSubjectId(), ack).whenComplete((stored, failure) -> {
                if (failure != null) {
                    // Only when stopping: no ack, the offset stays uncommitted, delivered after the restart.
                    released();
                    return;
                }
                acked.add(commandId);
                metrics.delivered(settings.vendorId(), command.getAction().name(), outcome.status().name());
                finished(message);
            });
            handedOver = true;
        } catch (InterruptedException stopping) {
            // Stopping: no ack, the offset stays uncommitted and the command is delivered after the restart.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A bug, not a vendor answer: leave the offset uncommitted so the command is retried after a restart.
            LOG.errorf("Vendor %s: %s delivery crashed (%s); it will be retried after a restart",
                    settings.vendorId(), command.getAction(), e.getClass().getName());
        } finally {
            if (!handedOver) {
                released();
            }
        }
    }

    /** The message is done with: acknowledged to the channel (so its offset may be committed), one more requested. */
    private void finished(Message<?> message) {
        message.ack();
        released();
    }

    private void released() {
        int now = inFlight.decrementAndGet();
        if (!running) {
            return;
        }
        if (paused.get() && now <= settings.bufferLimit() / 2 && paused.compareAndSet(true, false)) {
            pauser.resume();
            LOG.debugf("Vendor %s: %d commands in flight, channel resumed", settings.vendorId(), now);
        }
        Flow.Subscription current = subscription;
        if (current != null) {
            current.request(1);
        }
    }

    private void applyBackpressure(int now) {
        if (now < settings.bufferLimit()) {
            return;
        }
        if (paused.compareAndSet(false, true)) {
            lastPause = System.nanoTime();
            pauser.pause();
            LOG.debugf("Vendor %s: %d commands in flight, channel paused", settings.vendorId(), now);
        } else if (System.nanoTime() - lastPause > REPAUSE_NANOS) {
            // Still full while paused: SmallRye resumed every partition, or a rebalance assigned new ones.
            lastPause = System.nanoTime();
            pauser.pause();
        }
    }

    private void skip(PropagationCommand command) {
        LOG.debugf("Vendor %s: %s command already acknowledged, skipped", settings.vendorId(), command.getAction());
        metrics.delivered(settings.vendorId(), command.getAction().name(), "SKIPPED");
    }

    /**
     * Stops delivering: running deliveries are interrupted (their commands stay unacknowledged, so uncommitted) and
     * queued ones dropped. The channel itself is left to SmallRye, which commits what was acknowledged when the
     * application stops.
     */
    public void stopDelivering() {
        running = false;
        try {
            if (!lanes.stop(Duration.ofSeconds(10))) {
                LOG.warnf("Vendor %s: a delivery did not stop in time", settings.vendorId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops delivering and cancels the channel subscription, which closes the channel's consumer. */
    @Override
    public void close() {
        stopDelivering();
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
