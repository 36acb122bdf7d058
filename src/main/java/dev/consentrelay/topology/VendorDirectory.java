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

    /** The vendors by id and as one list, replaced together. */
    private record Snapshot(Map<String, Vendor> byId, List<Vendor> all) {
        static Snapshot of(Map<String, Vendor> byId) {
            Map<String, Vendor> copy = Map.copyOf(byId);
            return new Snapshot(copy, List.copyOf(new TreeMap<>(copy).values()));
        }
    }

    private volatile Snapshot current = Snapshot.of(Map.of());

    /**
     * Every known vendor and sub-processor, enabled or not, in vendor id order: the same object until a vendor
     * changes, so what is derived from it (each vendor's scope) can be kept until then.
     */
    public Collection<Vendor> all() {
        return current.all();
    }

    /** The vendors by id, as an immutable snapshot replaced (a new object) on every change. */
    public Map<String, Vendor> snapshot() {
        return current.byId();
    }

    /** Replaces (or with {@code null}, removes) one vendor. */
    public synchronized void put(String vendorId, Vendor vendor) {
        Map<String, Vendor> next = new TreeMap<>(current.byId());
        if (vendor == null) {
            next.remove(vendorId);
        } else {
            next.put(vendorId, vendor);
        }
        current = Snapshot.of(next);
    }

    /** Replaces every vendor at once. */
    public synchronized void replaceAll(List<Vendor> vendors) {
        Map<String, Vendor> next = new TreeMap<>();
        vendors.forEach(v -> next.put(v.vendorId(), v));
        current = Snapshot.of(next);
    }
}
