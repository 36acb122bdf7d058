package dev.consentrelay.topology;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.consentrelay.domain.Vendor;

/**
 * The current vendor records as an immutable snapshot, replaced whenever the vendors topic changes. Written by the
 * global-table thread, read by the stream threads; a change applies from the next signal on, with no restart.
 */
public final class VendorDirectory {

    private volatile Map<String, Vendor> byId = Map.of();

    /** Every known vendor and sub-processor, enabled or not. */
    public Collection<Vendor> all() {
        return byId.values();
    }

    /** The vendors by id, as an immutable snapshot replaced (a new object) on every change. */
    public Map<String, Vendor> snapshot() {
        return byId;
    }

    /** Replaces (or with {@code null}, removes) one vendor. */
    public synchronized void put(String vendorId, Vendor vendor) {
        Map<String, Vendor> next = new TreeMap<>(byId);
        if (vendor == null) {
            next.remove(vendorId);
        } else {
            next.put(vendorId, vendor);
        }
        byId = Map.copyOf(next);
    }

    /** Replaces every vendor at once. */
    public synchronized void replaceAll(List<Vendor> vendors) {
        Map<String, Vendor> next = new TreeMap<>();
        vendors.forEach(v -> next.put(v.vendorId(), v));
        byId = Map.copyOf(next);
    }
}
