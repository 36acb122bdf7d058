package dev.consentrelay.connector;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.CommandAck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The answers of one subject that come together leave as one record, and no connector is told an answer is stored
 * before the record carrying it is.
 */
class AckCoalescerTest {

    private static final Duration LONG = Duration.ofHours(1);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** Records sent, in order, each with the stage the test completes as the broker would. */
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final Map<CommandAck, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    private record Sent(String subjectId, CommandAck record) {
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private CompletionStage<Void> send(String subjectId, CommandAck record) {
        sent.add(new Sent(subjectId, record));
        CompletableFuture<Void> stored = new CompletableFuture<>();
        pending.put(record, stored);
        return stored;
    }

    @Test
    void shouldSendTheAnswersOfOneSubjectWithinTheLingerAsOneRecordAndCompleteThemWithIt() {
        AckCoalescer coalescer = new AckCoalescer(this::send, scheduler, Duration.ofMillis(50), 64);
        CommandAck adnet = ack("adnet");
        CommandAck mailer = ack("mailer");
        CommandAck crm = ack("crm");

        CompletionStage<Void> first = coalescer.add("subject-1", adnet);
        CompletionStage<Void> second = coalescer.add("subject-1", mailer);
        CompletionStage<Void> other = coalescer.add("subject-2", crm);

        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
        assertThat(sent).extracting(Sent::subjectId).containsExactly("subject-1", "subject-2");
        assertThat(AckRecords.each(sent.get(0).record())).extracting(CommandAck::getVendorId)
                .containsExactly("adnet", "mailer");
        assertThat(AckRecords.each(sent.get(1).record())).extracting(CommandAck::getVendorId)
                .containsExactly("crm");
        assertThat(first.toCompletableFuture()).as("not stored until its record is").isNotDone();

        pending.get(sent.get(0).record()).complete(null);

        assertThat(first.toCompletableFuture()).isCompleted();
        assertThat(second.toCompletableFuture()).isCompleted();
        assertThat(other.toCompletableFuture()).isNotDone();
    }

    @Test
    void shouldSendAFullRecordAtOnceWithoutWaitingOutTheLinger() {
        AckCoalescer coalescer = new AckCoalescer(this::send, scheduler, LONG, 3);

        coalescer.add("subject-1", ack("a"));
        coalescer.add("subject-1", ack("b"));
        assertThat(sent).isEmpty();
        coalescer.add("subject-1", ack("c"));

        assertThat(sent).singleElement().satisfies(s -> assertThat(AckRecords.each(s.record()))
                .extracting(CommandAck::getVendorId).containsExactly("a", "b", "c"));
    }

    @Test
    void shouldFailEveryAnswerOfARecordThatCouldNotBeStored() {
        AckCoalescer coalescer = new AckCoalescer(this::send, scheduler, LONG, 64);
        CompletionStage<Void> first = coalescer.add("subject-1", ack("adnet"));
        CompletionStage<Void> second = coalescer.add("subject-1", ack("mailer"));

        coalescer.flush();
        pending.get(sent.get(0).record()).completeExceptionally(new IllegalStateException("publisher stopped"));

        assertThat(first.toCompletableFuture()).isCompletedExceptionally();
        assertThat(second.toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void shouldSendWhatLingersWhenFlushedAndNothingTwice() {
        AckCoalescer coalescer = new AckCoalescer(this::send, scheduler, LONG, 64);
        coalescer.add("subject-1", ack("adnet"));

        coalescer.flush();
        coalescer.flush();

        assertThat(sent).hasSize(1);
    }

    @Test
    void shouldSendEachAnswerAtOnceWhenTheLingerIsZero() {
        AckCoalescer coalescer = new AckCoalescer(this::send, scheduler, Duration.ZERO, 64);

        coalescer.add("subject-1", ack("adnet"));
        coalescer.add("subject-1", ack("mailer"));

        assertThat(sent).as("sent before add returns, one record each").hasSize(2);
    }

    @Test
    void shouldRefuseANegativeLingerNamingTheSetting() {
        assertThatThrownBy(() -> new AckCoalescer(this::send, scheduler, Duration.ofMillis(-1), 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consent-relay.connectors.ack-linger");
    }

    private static CommandAck ack(String vendorId) {
        return CommandAck.newBuilder().setCommandId(UUID.randomUUID()).setVendorId(vendorId)
                .setStatus(AckStatus.APPLIED).setAppliedAt(Instant.parse("2026-12-03T09:00:00Z")).setAttempts(1)
                .setSignalId(UUID.randomUUID()).build();
    }
}
