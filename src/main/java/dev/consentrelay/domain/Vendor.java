package dev.consentrelay.domain;

import java.time.Duration;
import java.util.Set;

/**
 * A vendor or sub-processor that receives commands.
 *
 * @param vendorId
 *            stable id, also part of its command topic name
 * @param name
 *            display name
 * @param kind
 *            vendor or sub-processor
 * @param parentVendorId
 *            for a sub-processor, the vendor it works for; nullable
 * @param purposes
 *            purposes it processes; a sub-processor with none inherits its parent's purposes and regions
 * @param regions
 *            region codes or patterns ({@code US-*}) it serves; empty means every region
 * @param actions
 *            the actions its connector supports
 * @param identifierTypes
 *            identifier types it matches on; empty means all
 * @param sla
 *            how long it may take to honour a command, at most {@link #MAX_SLA}; {@code null} means immediately
 * @param enabled
 *            disabled vendors receive nothing, nor do sub-processors of a disabled vendor
 */
public record Vendor(String vendorId, String name, Kind kind, String parentVendorId, Set<String> purposes,
        Set<String> regions, Set<Command.Action> actions, Set<String> identifierTypes, Duration sla, boolean enabled) {

    /**
     * The longest SLA a vendor may have. Deadlines are a signal's receipt time plus the SLA: an unbounded SLA
     * (9223372036854775807 ms) overflows that sum while a signal is decided, and a decision that cannot be made
     * stalls its partition.
     */
    public static final Duration MAX_SLA = Duration.ofDays(366);

    public Vendor {
        if (sla != null && (sla.isNegative() || sla.compareTo(MAX_SLA) > 0)) {
            throw new IllegalArgumentException("sla of vendor " + vendorId + " must be between 0 and " + MAX_SLA
                    + " (366 days), got " + sla);
        }
        purposes = Copies.sortedSet(purposes);
        regions = Copies.sortedSet(regions);
        actions = Copies.actions(actions);
        identifierTypes = Copies.sortedSet(identifierTypes);
        sla = sla == null ? Duration.ZERO : sla;
    }

    public boolean supports(Command.Action action) {
        return actions.contains(action);
    }

    public boolean isSubProcessor() {
        return kind == Kind.SUB_PROCESSOR;
    }

    /** Whether a vendor works for us directly or for another vendor. */
    public enum Kind {
        VENDOR, SUB_PROCESSOR
    }
}
