package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Remembers signal ids for a configurable window, so a signal published twice (a retrying producer, a replayed
 * batch) is applied once. Backed by a window store whose old segments are dropped on their own.
 */
public final class SignalDeduplicator {

    private final WindowStore<String, Long> store;
    private final Duration window;

    public SignalDeduplicator(WindowStore<String, Long> store, Duration window) {
        this.store = store;
        this.window = window;
    }

    /** Whether {@code signalId} was seen within the window before {@code now}. */
    public boolean seen(String signalId, Instant now) {
        Instant from = now.minus(window);
        try (WindowStoreIterator<Long> hits = store.fetch(signalId, from, now)) {
            return hits.hasNext();
        }
    }

    /** Records {@code signalId} as seen at {@code now}. */
    public void remember(String signalId, Instant now) {
        store.put(signalId, now.toEpochMilli(), now.toEpochMilli());
    }
}
