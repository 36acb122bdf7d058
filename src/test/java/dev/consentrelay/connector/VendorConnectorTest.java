package dev.consentrelay.connector;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
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
 * A vendor connector as the feed sees it: when it finishes a record (only once the command's ack is published, or the
 * command was skipped), what it leaves unfinished for redelivery, and when it pauses and resumes its topic.
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
    private final AtomicLong offsets = new AtomicLong();
    private final RecordingPauser pauser = new RecordingPauser();
    private CountDownLatch ackPublishing = new CountDownLatch(0);
    private volatile boolean publishFails;
    private Function<PropagationCommand, DeliveryResult> vendor = command -> DeliveryResult.applied("200");
    private final ScheduledExecutorService waits = Executors.newSingleThreadScheduledExecutor();
    private final Queue<CompletableFuture<DeliveryResult>> answers = new ConcurrentLinkedQueue<>();
    private boolean answerLater;
    private VendorConnector connector;

    @AfterEach
    void tearDown() {
        if (connector != null) {
            connector.close();
        }
        waits.shutdownNow();
    }

    @Test
    void shouldFinishTheRecordOnlyOnceTheCommandsAckIsPublished() {
        ackPublishing = new CountDownLatch(1);
        start();
        assertThat(connector.accepts()).as("takes records while its buffer has room").isTrue();
        PropagationCommand command = TestCommands.suppress("mailer", "subject-1");

        connector.receive(record("m1", serializer.serialize(TOPIC, command)));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1);
        assertThat(acknowledgedMessages).as("not acknowledged while its ack is not published").isEmpty();
        assertThat(connector.inFlight()).isEqualTo(1);
        ackPublishing.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("m1"));
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

        connector.receive(record("first", serializer.serialize(TOPIC, first)));
        connector.receive(record("second", serializer.serialize(TOPIC, second)));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 2);
        assertThat(delivered).as("in order on the subject's lane").extracting(PropagationCommand::getCommandId)
                .containsExactly(first.getCommandId(), second.getCommandId());
        assertThat(acknowledgedMessages).as("neither acknowledged while its ack is not stored").isEmpty();
        ackPublishing.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.size() == 2);
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldLeaveTheRecordUnfinishedWhenItsAckIsNeverStored() {
        publishFails = true;
        start();
        PropagationCommand command = TestCommands.suppress("mailer", "subject-6");

        connector.receive(record("m6", serializer.serialize(TOPIC, command)));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1 && connector.inFlight() == 0);
        assertThat(acknowledgedMessages).as("redelivered after a restart, not committed past").isEmpty();
        assertThat(acked.contains(command.getCommandId())).as("not remembered as acknowledged").isFalse();
    }

    @Test
    void shouldSkipACommandAlreadyAcknowledgedAndCommitPastIt() {
        start();
        PropagationCommand command = TestCommands.suppress("mailer", "subject-2");
        acked.add(command.getCommandId());

        connector.receive(record("m2", serializer.serialize(TOPIC, command)));

        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("m2"));
        assertThat(delivered).isEmpty();
        assertThat(published).isEmpty();
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldSkipARecordThatIsNotACommand() {
        start();

        connector.receive(record("junk", "not avro".getBytes(StandardCharsets.UTF_8)));

        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("junk"));
        assertThat(delivered).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void shouldLeaveTheRecordUnfinishedWhenDeliveryCrashes() {
        vendor = command -> {
            throw new IllegalStateException("adapter bug");
        };
        start();

        connector.receive(record("m3", serializer.serialize(TOPIC, TestCommands.suppress("mailer", "subject-3"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1 && connector.inFlight() == 0);
        assertThat(acknowledgedMessages).as("redelivered after a restart, not committed past").isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void shouldPauseTheTopicWhenItsBufferIsFullAndResumeWhenHalfHasFinished() {
        ackPublishing = new CountDownLatch(1);
        start();

        for (int i = 0; i < BUFFER; i++) {
            connector.receive(record("b" + i, serializer.serialize(TOPIC, TestCommands.suppress("mailer", "s" + i))));
        }

        assertThat(pauser.pauses).as("paused at %d in flight", BUFFER).hasValue(1);
        assertThat(connector.accepts()).as("takes no more while full").isFalse();
        assertThat(pauser.resumes).hasValue(0);
        ackPublishing.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.size() == BUFFER);
        assertThat(pauser.resumes).as("resumed once half had finished").hasValue(1);
        assertThat(pauser.pauses).hasValue(1);
        assertThat(connector.accepts()).isTrue();
    }

    @Test
    void shouldStopDeliveringAndTakeNothingMoreWhenClosed() {
        start();

        connector.close();
        connector.receive(record("late", serializer.serialize(TOPIC, TestCommands.suppress("mailer", "subject-4"))));

        assertThat(connector.accepts()).as("takes nothing more once closed").isFalse();
        assertThat(delivered).isEmpty();
        assertThat(acknowledgedMessages).as("left unfinished, so delivered after the restart").isEmpty();
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldAcknowledgeWhenTheVendorAnswersLaterOnAnotherThread() {
        answerLater = true;
        start();
        PropagationCommand first = TestCommands.suppress("mailer", "subject-7");
        PropagationCommand second = TestCommands.suppress("mailer", "subject-7");

        connector.receive(record("first", serializer.serialize(TOPIC, first)));
        connector.receive(record("second", serializer.serialize(TOPIC, second)));

        assertThat(delivered).as("the receiving thread returned; the second waits for the first's answer")
                .extracting(PropagationCommand::getCommandId).containsExactly(first.getCommandId());
        CompletableFuture.runAsync(() -> answers.remove().complete(DeliveryResult.applied("HTTP 200"))).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.contains("first"));
        assertThat(delivered).extracting(PropagationCommand::getCommandId)
                .containsExactly(first.getCommandId(), second.getCommandId());
        answers.remove().complete(DeliveryResult.notFound("HTTP 404"));
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedMessages.size() == 2);
        assertThat(published).extracting(CommandAck::getStatus).containsExactly(AckStatus.APPLIED,
                AckStatus.NOT_FOUND);
        assertThat(connector.inFlight()).isZero();
    }

    @Test
    void shouldLeaveADeliveryInFlightUnacknowledgedWhenClosed() {
        answerLater = true;
        start();
        connector.receive(record("m8", serializer.serialize(TOPIC, TestCommands.suppress("mailer", "subject-8"))));

        connector.close();
        answers.remove().complete(DeliveryResult.applied("HTTP 200"));

        assertThat(published).as("answered after the stop: acknowledged by the next run, which delivers it again")
                .isEmpty();
        assertThat(acknowledgedMessages).isEmpty();
        assertThat(connector.inFlight()).isZero();
    }

    private void start() {
        VendorAdapter adapter = new VendorAdapter() {
            @Override
            public DeliveryResult deliver(PropagationCommand command) {
                delivered.add(command);
                return vendor.apply(command);
            }

            @Override
            public CompletionStage<DeliveryResult> deliverAsync(PropagationCommand command) {
                if (!answerLater) {
                    return VendorAdapter.super.deliverAsync(command);
                }
                delivered.add(command);
                CompletableFuture<DeliveryResult> answer = new CompletableFuture<>();
                answers.add(answer);
                return answer;
            }

            @Override
            public String kind() {
                return "test";
            }
        };
        RetryingDelivery delivery = new RetryingDelivery("mailer", adapter,
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1)), TokenBucket.perSecond(1000),
                RetryingDelivery.Delayer.on(waits), Clock.systemUTC(), (command, attempt, result) -> {
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
    }

    private CommandFeed.CommandRecord record(String name, byte[] payload) {
        return new CommandFeed.CommandRecord(TOPIC, 0, offsets.getAndIncrement(), new RecordHeaders(), payload,
                () -> acknowledgedMessages.add(name));
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

}
