package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commands without a final acknowledgement in one tracking task, per vendor, kept in memory so the gauges never scan
 * the store: a count and how many of them have their signal received in each second (oldest first). Rebuilt from the
 * store when a task starts.
 *
 * <p>Nothing is held per command: under a propagation backlog of a million commands the heap holds one counter per
 * vendor and second of backlog. The caller says what changed exactly once ({@link #add} when an entry is tracked,
 * {@link #remove} when it gets its final acknowledgement or is purged while still pending), so the ages are to the
 * second: a command received at 12:00:00.900 is counted from 12:00:00.
 */
final class PendingGauge {

    private final Map<String, Vendor> byVendor = new HashMap<>();

    /** A command to this vendor became pending. */
    void add(String vendorId, Instant signalReceivedAt) {
        byVendor.computeIfAbsent(vendorId, v -> new Vendor()).add(signalReceivedAt.getEpochSecond());
    }

    /** A command to this vendor, added before with the same receive time, is no longer pending. */
    void remove(String vendorId, Instant signalReceivedAt) {
        Vendor vendor = byVendor.get(vendorId);
        if (vendor != null && vendor.remove(signalReceivedAt.getEpochSecond()) && vendor.count == 0) {
            byVendor.remove(vendorId);
        }
    }

    /** Per vendor: how many commands are pending and the age of the oldest at {@code now}. */
    Map<String, ConsentMetrics.Pending> snapshot(Instant now) {
        Map<String, ConsentMetrics.Pending> out = new HashMap<>();
        byVendor.forEach((vendorId, vendor) -> {
            long oldest = vendor.bySecond.firstKey() * 1000;
            Duration age = Duration.ofMillis(Math.max(0, now.toEpochMilli() - oldest));
            out.put(vendorId, new ConsentMetrics.Pending(vendor.count, age));
        });
        return out;
    }

    private static final class Vendor {
        private final TreeMap<Long, int[]> bySecond = new TreeMap<>();
        private long count;
        /** The second last added to and its counter: commands arrive in receive order, so nearly every add hits it. */
        private long lastSecond = Long.MIN_VALUE;
        private int[] lastCounter;

        void add(long second) {
            if (second != lastSecond || lastCounter[0] == 0) {
                lastCounter = bySecond.computeIfAbsent(second, s -> new int[1]);
                lastSecond = second;
            }
            lastCounter[0]++;
            count++;
        }

        /** Whether a command of that second was counted (and is no longer). */
        boolean remove(long second) {
            int[] held = bySecond.get(second);
            if (held == null) {
                return false;
            }
            if (--held[0] == 0) {
                bySecond.remove(second);
            }
            count--;
            return true;
        }
    }
}
