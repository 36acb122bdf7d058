package dev.consentrelay.connector;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serializer;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A vendor connector as its channel sees it: when it acknowledges a message (only once the command's ack is
 * published, or the command was skipped), what it leaves unacknowledged for redelivery, and when it pauses and
 * resumes the channel.
 */
class VendorConnectorTest {

    private static final String TOPIC = "consent.commands.mailer.v1";
    private static final int BUFFER = 4;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://connector-test");
    private final Serializer<PropagationCommand> serializer = AvroSerde
            .forClass(PropagationCommand.class, registry, false).serializer();
    private final List<PropagationCommand> delivered = new CopyOnWriteArrayList<>();
    private final List<CommandAck> published = new CopyOnWriteArrayList<>();
    private final List<String> acknowledgedMessages = new CopyOnWriteArrayList<>();
    private final AckedCommands acked = new AckedCommands(100);
    private final RecordingSubscription subscription = new RecordingSubscription();
    private final RecordingPauser pauser = new RecordingPauser();
    private CountDownLatch ackPublishing = new CountDownLatch(0);
    private volatile boolean publishFails;
    private Function<PropagationCommand, DeliveryResult> vendor = command -> DeliveryResult.applied("200");
    private VendorConnector connector;

    @AfterEach
    void tearDown() {
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void shouldAcknowledgeTheMessageOnlyOnceTheCommandsAckIsPublished() {
        ackPublishing = new CountDownLatch(1);
        start();
        assertThat(subscription.requested).as("requests its buffer up front").hasValue(BUFFER);
        PropagationCommand command = TestCommands.suppress("mailer", "subject-1");

        connector.onNext(message("m1", serializer.serialize(TOPIC, command)));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1);
        assertThat(acknowledgedMessages).as("not acknowledged while its ack is not published").isEmpty();
        assertThat(connector.inFlight()).isEqualTo(1);
        ackPublishing.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("m1"));
        assertThat(subscription.requested).as("one more requested for the one finished").hasValue(BUFFER + 1);
        assertThat(published).singleElement().satisfies(ack -> {
            assertThat(ack.getCommandId()).isEqualTo(command.getCommandId());
            assertThat(ack.getSignalId()).isEqualTo(command.getSignalId());
            assertThat(ack.getStatus()).isEqualTo(AckStatus.APPLIED);
            assertThat(ack.getAttempts()).isEqualTo(1);
        });
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldDeliverTheSubjectsNextCommandWhileTheFirstAckIsStillOnItsWay() {
        ackPublishing = new CountDownLatch(1);
        start();
        PropagationCommand first = TestCommands.suppress("mailer", "subject-5");
        PropagationCommand second = TestCommands.suppress("mailer", "subject-5");

        connector.onNext(message("first", serializer.serialize(TOPIC, first)));
        connector.onNext(message("second", serializer.serialize(TOPIC, second)));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 2);
        assertThat(delivered).as("in order on the subject's lane").extracting(PropagationCommand::getCommandId)
                .containsExactly(first.getCommandId(), second.getCommandId());
        assertThat(acknowledgedMessages).as("neither acknowledged while its ack is not stored").isEmpty();
        ackPublishing.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.size() == 2);
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldLeaveTheMessageUnacknowledgedWhenItsAckIsNeverStored() {
        publishFails = true;
        start();
        PropagationCommand command = TestCommands.suppress("mailer", "subject-6");

        connector.onNext(message("m6", serializer.serialize(TOPIC, command)));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1 && connector.inFlight() == 0);
        assertThat(acknowledgedMessages).as("redelivered after a restart, not committed past").isEmpty();
        assertThat(acked.contains(command.getCommandId())).as("not remembered as acknowledged").isFalse();
    }

    @Test
    void shouldSkipACommandAlreadyAcknowledgedAndCommitPastIt() {
        start();
        PropagationCommand command = TestCommands.suppress("mailer", "subject-2");
        acked.add(command.getCommandId());

        connector.onNext(message("m2", serializer.serialize(TOPIC, command)));

        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("m2"));
        assertThat(delivered).isEmpty();
        assertThat(published).isEmpty();
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldSkipARecordThatIsNotACommand() {
        start();

        connector.onNext(message("junk", "not avro".getBytes(StandardCharsets.UTF_8)));

        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("junk"));
        assertThat(delivered).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void shouldLeaveTheMessageUnacknowledgedWhenDeliveryCrashes() {
        vendor = command -> {
            throw new IllegalStateException("adapter bug");
        };
        start();

        connector.onNext(message("m3", serializer.serialize(TOPIC, TestCommands.suppress("mailer", "subject-3"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1 && connector.inFlight() == 0);
        assertThat(acknowledgedMessages).as("redelivered after a restart, not committed past").isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void shouldPauseTheChannelWhenItsBufferIsFullAndResumeWhenHalfHasFinished() {
        ackPublishing = new CountDownLatch(1);
        start();

        for (int i = 0; i < BUFFER; i++) {
            connector.onNext(message("b" + i, serializer.serialize(TOPIC, TestCommands.suppress("mailer", "s" + i))));
        }

        assertThat(pauser.pauses).as("paused at %d in flight", BUFFER).hasValue(1);
        assertThat(pauser.resumes).hasValue(0);
        ackPublishing.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.size() == BUFFER);
        assertThat(pauser.resumes).as("resumed once half had finished").hasValue(1);
        assertThat(pauser.pauses).hasValue(1);
    }

    @Test
    void shouldStopDeliveringAndCancelTheChannelWhenClosed() {
        start();

        connector.close();
        connector.onNext(message("late", serializer.serialize(TOPIC, TestCommands.suppress("mailer", "subject-4"))));

        assertThat(subscription.cancelled).isTrue();
        assertThat(delivered).isEmpty();
        assertThat(acknowledgedMessages).isEmpty();
        assertThat(connector.inFlight()).isZero();
        assertThat(subscription.requested).as("nothing more requested once closed").hasValue(BUFFER);
    }

    private void start() {
        VendorAdapter adapter = new VendorAdapter() {
            @Override
            public DeliveryResult deliver(PropagationCommand command) {
                delivered.add(command);
                return vendor.apply(command);
            }

            @Override
            public String kind() {
                return "test";
            }
        };
        RetryingDelivery delivery = new RetryingDelivery("mailer", adapter,
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1)), TokenBucket.perSecond(1000),
                RetryingDelivery.threadSleeper(), Clock.systemUTC(), (command, attempt, result) -> {
                });
        AckSink acks = (subjectId, ack) -> {
            CountDownLatch gate = ackPublishing;
            return CompletableFuture.runAsync(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("stopped", e);
                }
                if (publishFails) {
                    throw new IllegalStateException("publisher stopped");
                }
                published.add(ack);
            });
        };
        connector = new VendorConnector(new VendorConnector.Settings("mailer", TOPIC, 2, BUFFER),
                AvroSerde.forClass(PropagationCommand.class, registry, false).deserializer(), delivery, acks, acked,
                new ConnectorMetrics(new SimpleMeterRegistry()), pauser);
        connector.onSubscribe(subscription);
    }

    private Message<byte[]> message(String name, byte[] payload) {
        return Message.of(payload, () -> {
            acknowledgedMessages.add(name);
            return CompletableFuture.completedFuture(null);
        });
    }

    private static final class RecordingPauser implements ChannelPauser {
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();

        @Override
        public void pause() {
            pauses.incrementAndGet();
        }

        @Override
        public void resume() {
            resumes.incrementAndGet();
        }
    }

    private static final class RecordingSubscription implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

}
