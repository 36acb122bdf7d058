package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commands without a final acknowledgement in one tracking task, per vendor, kept in memory so the gauges never scan
 * the store: a count and the receive times of their signals (oldest first). Rebuilt from the store when a task
 * starts.
 */
final class PendingGauge {

    private final Map<String, Held> byKey = new HashMap<>();
    private final Map<String, TreeMap<Long, Integer>> byVendor = new HashMap<>();

    /** A command became pending (idempotent per key). */
    void add(String key, String vendorId, Instant signalReceivedAt) {
        if (byKey.putIfAbsent(key, new Held(vendorId, signalReceivedAt.toEpochMilli())) != null) {
            return;
        }
        byVendor.computeIfAbsent(vendorId, v -> new TreeMap<>()).merge(signalReceivedAt.toEpochMilli(), 1,
                Integer::sum);
    }

    /** A command is no longer pending (idempotent per key). */
    void remove(String key) {
        Held held = byKey.remove(key);
        if (held == null) {
            return;
        }
        TreeMap<Long, Integer> times = byVendor.get(held.vendorId());
        times.computeIfPresent(held.receivedAt(), (at, n) -> n == 1 ? null : n - 1);
        if (times.isEmpty()) {
            byVendor.remove(held.vendorId());
        }
    }

    /** Per vendor: how many commands are pending and the age of the oldest at {@code now}. */
    Map<String, ConsentMetrics.Pending> snapshot(Instant now) {
        Map<String, ConsentMetrics.Pending> out = new HashMap<>();
        byVendor.forEach((vendor, times) -> {
            long count = times.values().stream().mapToLong(Integer::longValue).sum();
            Duration age = Duration.ofMillis(Math.max(0, now.toEpochMilli() - times.firstKey()));
            out.put(vendor, new ConsentMetrics.Pending(count, age));
        });
        return out;
    }

    private record Held(String vendorId, long receivedAt) {
    }
}
