package dev.consentrelay.connector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The commandIds one vendor's connector has acknowledged recently, so a redelivered command (after a crash or a
 * rebalance, or produced twice) is skipped instead of delivered again. Bounded: the oldest ids are forgotten first;
 * a forgotten one would be delivered again with the same {@code Idempotency-Key}, which the vendor can de-duplicate.
 */
public final class AckedCommands {

    private final Map<UUID, Boolean> ids;

    public AckedCommands(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void add(UUID commandId) {
        ids.put(commandId, Boolean.TRUE);
    }

    public synchronized boolean contains(UUID commandId) {
        return ids.containsKey(commandId);
    }

    public synchronized int size() {
        return ids.size();
    }
}
