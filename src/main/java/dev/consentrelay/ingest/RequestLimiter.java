package dev.consentrelay.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most {@code limit} requests per key (a client address, a subject) in each window, over a bounded number of keys:
 * the least recently seen key is forgotten first, so a flood of distinct keys costs memory only up to the bound.
 * Thread-safe.
 */
public final class RequestLimiter {

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, long[]> counts;

    /**
     * @param limit requests allowed per key and window; 0 or less disables the limit
     * @param maxKeys keys remembered at most
     */
    public RequestLimiter(int limit, Duration window, int maxKeys, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.counts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /**
     * Counts one request of {@code key}.
     *
     * @return zero when allowed, else how long until the key's window ends
     */
    public synchronized Duration acquire(String key) {
        if (limit <= 0 || key == null) {
            return Duration.ZERO;
        }
        long now = clock.millis();
        long[] entry = counts.get(key);
        if (entry == null || now - entry[0] >= window.toMillis()) {
            counts.put(key, new long[]{now, 1});
            return Duration.ZERO;
        }
        if (entry[1] < limit) {
            entry[1]++;
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(1, entry[0] + window.toMillis() - now));
    }
}
