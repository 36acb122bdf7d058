package dev.consentrelay.connector;

import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Deserializer;
import org.jboss.logging.Logger;

import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;

/**
 * One vendor's connector: it receives the vendor's command records from the {@link CommandFeed} and delivers on
 * {@code concurrency} lanes. A command goes to the lane chosen by its subject, so one subject's commands are delivered
 * in order, retries included, while other subjects proceed on other lanes. Nothing is shared with other vendors but
 * the feed and the ack sink, so a slow or dead vendor only holds back itself.
 * <p>
 * A lane hands each acknowledgement to the {@link AckSink} and goes on without waiting for the broker. A record is
 * finished only once the command's own acknowledgement is on the broker (or the command was skipped), and the feed
 * commits a partition only up to its lowest unfinished record, so a crash redelivers every command whose ack is not
 * published. The connector takes at most {@code bufferLimit} records at a time; when it holds that many it pauses its
 * topic ({@link ChannelPauser}) and resumes it once half have finished.
 * Commands already acknowledged ({@link AckedCommands}) are skipped; undecodable records are logged with their
 * position and skipped without an ack.
 */
public final class VendorConnector implements CommandFeed.Receiver, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VendorConnector.class);
    private static final CompletionStage<Void> SETTLED = CompletableFuture.completedFuture(null);

    /** Settings of one vendor's connector. */
    public record Settings(String vendorId, String topic, int concurrency, int bufferLimit) {
        public Settings {
            if (concurrency < 1 || bufferLimit < 1) {
                throw new IllegalArgumentException("concurrency and buffer must be positive");
            }
        }

        /** The consumer group of the vendor's connector in earlier releases, which the feed continues from. */
        public String legacyGroupId() {
            return "consent-relay-connector-" + vendorId;
        }

        /** The name of the vendor's lanes (in thread names). */
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
        this.lanes = new SubjectLanes(settings.concurrency());
        metrics.inFlight(settings.vendorId(), inFlight::get);
    }

    /** The vendor delivered to. */
    public String vendorId() {
        return settings.vendorId();
    }

    /** Commands received and not yet acknowledged. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public boolean accepts() {
        return running && inFlight.get() < settings.bufferLimit();
    }

    /** Called on the feed's thread: decodes and hands the command to its lane, never blocks. */
    @Override
    public void receive(CommandFeed.CommandRecord record) {
        if (!running) {
            // Stopping: not finished, so not committed; delivered after the restart.
            return;
        }
        applyBackpressure(inFlight.incrementAndGet());
        PropagationCommand command = decode(record);
        if (command == null) {
            finished(record);
            return;
        }
        if (acked.contains(command.getCommandId())) {
            skip(command);
            finished(record);
            return;
        }
        lanes.submit(command.getSubjectId(), () -> deliver(command, record));
    }

    private PropagationCommand decode(CommandFeed.CommandRecord record) {
        try {
            PropagationCommand command = commands.deserialize(record.topic(), record.headers(), record.value());
            if (command == null) {
                throw new IllegalArgumentException("empty record");
            }
            return command;
        } catch (RuntimeException e) {
            LOG.errorf("Vendor %s: undecodable command at %s-%d offset %d skipped (%s)", settings.vendorId(),
                    record.topic(), record.partition(), record.offset(), e.getClass().getSimpleName());
            return null;
        }
    }

    /**
     * Delivers on the subject's lane, then hands the acknowledgement to the sink: the lane goes on with its next
     * command once the outcome is known, and the record is finished when the sink has stored the ack, on whichever
     * thread that completes.
     */
    private CompletionStage<Void> deliver(PropagationCommand command, CommandFeed.CommandRecord record) {
        if (!running) {
            // Stopping: not finished, so not committed; delivered after the restart.
            released();
            return SETTLED;
        }
        if (acked.contains(command.getCommandId())) {
            // The same command came twice while the first was still on its way.
            skip(command);
            finished(record);
            return SETTLED;
        }
        CompletionStage<RetryingDelivery.Outcome> outcome;
        try {
            outcome = delivery.deliver(command);
        } catch (RuntimeException e) {
            crashed(command, e);
            released();
            return SETTLED;
        }
        return outcome.handle((settled, failure) -> {
            acknowledge(command, record, settled, failure);
            return null;
        });
    }

    /** Hands the outcome's acknowledgement to the sink; a crash or a stop leaves the record unfinished. */
    private void acknowledge(PropagationCommand command, CommandFeed.CommandRecord record,
            RetryingDelivery.Outcome outcome, Throwable failure) {
        if (failure != null || !running) {
            if (failure != null && running) {
                crashed(command, failure);
            }
            // Stopped or crashed: no ack, the offset stays uncommitted and the command is delivered after the restart.
            released();
            return;
        }
        UUID commandId = command.getCommandId();
        try {
            CommandAck ack = new CommandAck(commandId, settings.vendorId(), outcome.status(), outcome.detail(),
                    outcome.finishedAt(), outcome.attempts(), command.getSignalId(), new ArrayList<>(0));
            acks.publish(command.getSubjectId(), ack).whenComplete((stored, notStored) -> {
                if (notStored != null) {
                    // Only when stopping: no ack, the offset stays uncommitted, delivered after the restart.
                    released();
                    return;
                }
                acked.add(commandId);
                metrics.delivered(settings.vendorId(), command.getAction().name(), outcome.status().name());
                finished(record);
            });
        } catch (RuntimeException e) {
            crashed(command, e);
            released();
        }
    }

    /** A bug, not a vendor answer: the offset stays uncommitted, so the command is retried after a restart. */
    private void crashed(PropagationCommand command, Throwable failure) {
        Throwable cause = Failures.cause(failure);
        LOG.errorf("Vendor %s: %s delivery crashed (%s); it will be retried after a restart", settings.vendorId(),
                command.getAction(), cause.getClass().getName());
    }

    /** The record is done with: the feed may commit past it. */
    private void finished(CommandFeed.CommandRecord record) {
        record.done().run();
        released();
    }

    private void released() {
        int now = inFlight.decrementAndGet();
        if (running && paused.get() && now <= settings.bufferLimit() / 2 && paused.compareAndSet(true, false)) {
            pauser.resume();
            LOG.debugf("Vendor %s: %d commands in flight, topic resumed", settings.vendorId(), now);
        }
    }

    private void applyBackpressure(int now) {
        if (now >= settings.bufferLimit() && paused.compareAndSet(false, true)) {
            pauser.pause();
            LOG.debugf("Vendor %s: %d commands in flight, topic paused", settings.vendorId(), now);
        }
    }

    private void skip(PropagationCommand command) {
        LOG.debugf("Vendor %s: %s command already acknowledged, skipped", settings.vendorId(), command.getAction());
        metrics.delivered(settings.vendorId(), command.getAction().name(), "SKIPPED");
    }

    /**
     * Stops delivering: queued commands are dropped and nothing more is acknowledged, so deliveries still running end
     * unfinished, uncommitted, and are delivered again after the restart. The feed commits what was finished when it
     * closes.
     */
    @Override
    public void close() {
        running = false;
        lanes.stop();
    }
}
