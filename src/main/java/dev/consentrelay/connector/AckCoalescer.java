package dev.consentrelay.connector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import dev.consentrelay.avro.AckRecords;
import dev.consentrelay.schema.CommandAck;

/**
 * Gathers the acknowledgements of one subject handed over within {@code linger} of the first into one record
 * ({@link AckRecords}, at most {@code maxPerRecord} each) and hands each record to its sender; every acknowledgement's
 * stage completes as its record's does. A signal's commands go to several vendors at once and their answers come
 * close together: its tracking entry is then updated once rather than once per vendor, and the acks topic holds about
 * one record per signal instead of one per command.
 */
final class AckCoalescer {

    private final BiFunction<String, CommandAck, CompletionStage<Void>> sender;
    private final ScheduledExecutorService scheduler;
    private final Duration linger;
    private final int maxPerRecord;
    /** Acknowledgements waiting out the linger, by subject; guarded by itself. */
    private final Map<String, List<Waiting>> lingering = new LinkedHashMap<>();

    /** An acknowledgement handed over, and the stage its connector waits on. */
    private record Waiting(CommandAck ack, CompletableFuture<Void> stored) {
    }

    /**
     * @param sender sends one record, keyed by its subject id; its stage completes once the record is stored
     * @param scheduler runs the sends when the linger is over
     * @param linger how long the first acknowledgement of a subject waits for others; zero sends each at once
     */
    AckCoalescer(BiFunction<String, CommandAck, CompletionStage<Void>> sender, ScheduledExecutorService scheduler,
            Duration linger, int maxPerRecord) {
        if (linger.isNegative()) {
            throw new IllegalArgumentException("consent-relay.connectors.ack-linger must not be negative, was "
                    + linger);
        }
        this.sender = sender;
        this.scheduler = scheduler;
        this.linger = linger;
        this.maxPerRecord = maxPerRecord;
    }

    /** Adds the ack to its subject's next record; the stage completes once that record is stored. */
    CompletionStage<Void> add(String subjectId, CommandAck ack) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        if (linger.isZero()) {
            send(subjectId, List.of(new Waiting(ack, stored)));
            return stored;
        }
        List<Waiting> full = null;
        boolean first;
        synchronized (lingering) {
            first = lingering.isEmpty();
            List<Waiting> waiting = lingering.computeIfAbsent(subjectId, key -> new ArrayList<>());
            waiting.add(new Waiting(ack, stored));
            if (waiting.size() >= maxPerRecord) {
                full = lingering.remove(subjectId);
            }
        }
        if (full != null) {
            send(subjectId, full);
        }
        if (first) {
            try {
                scheduler.schedule(this::flush, linger.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                flush();
            }
        }
        return stored;
    }

    /** Sends every subject's lingering acknowledgements now, one record each. */
    void flush() {
        Map<String, List<Waiting>> due;
        synchronized (lingering) {
            if (lingering.isEmpty()) {
                return;
            }
            due = new LinkedHashMap<>(lingering);
            lingering.clear();
        }
        due.forEach(this::send);
    }

    private void send(String subjectId, List<Waiting> waiting) {
        CommandAck record = AckRecords.of(waiting.stream().map(Waiting::ack).toList());
        CompletionStage<Void> sent;
        try {
            sent = sender.apply(subjectId, record);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((done, failure) -> waiting.forEach(w -> {
            if (failure == null) {
                w.stored().complete(null);
            } else {
                w.stored().completeExceptionally(failure);
            }
        }));
    }
}
