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
 *            how long it may take to honour a command; {@code null} means immediately
 * @param enabled
 *            disabled vendors receive nothing, nor do sub-processors of a disabled vendor
 */
public record Vendor(String vendorId, String name, VendorKind kind, String parentVendorId, Set<String> purposes,
        Set<String> regions, Set<CommandAction> actions, Set<String> identifierTypes, Duration sla, boolean enabled) {

    public Vendor {
        purposes = Copies.sortedSet(purposes);
        regions = Copies.sortedSet(regions);
        actions = Copies.actions(actions);
        identifierTypes = Copies.sortedSet(identifierTypes);
        sla = sla == null ? Duration.ZERO : sla;
    }

    public boolean supports(CommandAction action) {
        return actions.contains(action);
    }

    public boolean isSubProcessor() {
        return kind == VendorKind.SUB_PROCESSOR;
    }
}
