package dev.consentrelay.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The most recent signal ids the ingest has published (or is publishing), each with the future of its Kafka
 * acknowledgement, so that a repeated {@code signalId} is accepted once. Bounded: the least recently claimed id is
 * forgotten first. This only spares a repeat the trip through Kafka; the topology de-duplicates by {@code signalId}
 * as well, across instances and restarts.
 */
final class RecentSignalIds {

    private final Map<String, CompletableFuture<Void>> ids;

    RecentSignalIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Void>> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Claims {@code signalId} for {@code publication}.
     *
     * @return {@code null} when the caller now owns the id and must publish, else the earlier publication's future
     */
    synchronized CompletableFuture<Void> claim(String signalId, CompletableFuture<Void> publication) {
        CompletableFuture<Void> earlier = ids.get(signalId);
        if (earlier != null) {
            return earlier;
        }
        ids.put(signalId, publication);
        return null;
    }

    /** Forgets a claim whose publication failed, so that the sender's retry is published. */
    synchronized void release(String signalId, CompletableFuture<Void> publication) {
        ids.remove(signalId, publication);
    }

    synchronized int size() {
        return ids.size();
    }
}
