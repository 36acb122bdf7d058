package dev.consentrelay.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides what a vendor that was just added, or that gained purposes, must be told about a subject already in the
 * consent table: a {@code SUPPRESS} for each of the new purposes that are denied for the subject, when the vendor
 * serves the subject's region and supports suppression. A grant past its lifetime that the expiry has not applied
 * yet is left to the expiry, which will include the vendor. Ids are deterministic: the command's signal id is a
 * name-based UUID of {@code backfill|backfillId|subjectId}, and its command id is {@link CommandIds#of} that, the
 * vendor and the action, so a backfill that is resumed or replayed issues the same ids.
 */
public final class BackfillPlanner {

    private final FanOutPlanner planner = new FanOutPlanner();

    /** The synthetic signal id of one subject's backfill command. */
    public static String signalId(String backfillId, String subjectId) {
        return NameUuids.of("backfill|" + backfillId + "|" + subjectId);
    }

    /**
     * The backfill id of a vendor gaining {@code purposes}: the same for every task that runs it.
     *
     * @param generation distinguishes successive backfills of the same purposes, e.g. a time they were detected
     */
    public static String backfillId(String vendorId, Set<String> purposes, String generation) {
        String name = "backfill|" + vendorId + "|" + String.join(",", new TreeSet<>(purposes)) + "|" + generation;
        return NameUuids.of(name);
    }

    /**
     * The purposes the vendor processes after inheritance from its parent; empty when it receives nothing (it or
     * its parent is disabled).
     */
    public Set<String> effectivePurposes(Vendor vendor, Collection<Vendor> vendors) {
        return planner.scope(vendor, index(vendors)).map(FanOutPlanner.VendorScope::purposes).orElse(Set.of());
    }

    /**
     * One backfill.
     *
     * @param backfillId its id
     * @param vendor the vendor being backfilled
     * @param purposes the purposes being backfilled (new to the vendor)
     */
    public record Backfill(String backfillId, Vendor vendor, Set<String> purposes) {
    }

    /**
     * The command for one subject, if any.
     *
     * @param backfill the backfill: its id, the vendor and the purposes new to it
     * @param vendors every vendor, to resolve a sub-processor's parent
     * @param state the subject's row of the consent table
     * @param permissions the subject's effective permissions now
     * @param policyVersion the policy in force
     * @param now when the command is issued; the propagation clock starts here
     */
    public Optional<Command> plan(Backfill backfill, Collection<Vendor> vendors, SubjectConsent state,
            Map<String, Permission> permissions, String policyVersion, Instant now) {
        String backfillId = backfill.backfillId();
        Vendor vendor = backfill.vendor();
        Set<String> purposes = backfill.purposes();
        if (!vendor.supports(Command.Action.SUPPRESS)) {
            return Optional.empty();
        }
        Optional<FanOutPlanner.VendorScope> scope = planner.scope(vendor, index(vendors));
        if (scope.isEmpty() || !scope.get().serves(state.region())) {
            return Optional.empty();
        }
        Set<String> denied = new TreeSet<>();
        for (String purpose : purposes) {
            Permission permission = permissions.get(purpose);
            if (scope.get().purposes().contains(purpose) && permission != null && !permission.allowed()
                    && !awaitingExpiry(state.purposes().get(purpose), now)) {
                denied.add(purpose);
            }
        }
        if (denied.isEmpty()) {
            return Optional.empty();
        }
        List<SubjectIdentifier> identifiers = vendor.identifierTypes().isEmpty()
                ? IdentifierHasher.raw(state.identifiers())
                : IdentifierHasher.raw(state.identifiers()).stream()
                        .filter(id -> vendor.identifierTypes().contains(id.type())).toList();
        String signalId = signalId(backfillId, state.subjectId());
        String region = Regions.normalize(state.region());
        String reason = "BACKFILL of " + String.join(", ", denied) + " in " + Regions.describe(region)
                + " (vendor added or gained purposes; backfill " + backfillId + ")";
        return Optional.of(new Command(CommandIds.of(signalId, vendor.vendorId(), Command.Action.SUPPRESS), signalId,
                state.subjectId(), vendor.vendorId(), Command.Action.SUPPRESS, denied, identifiers, reason, region,
                policyVersion, now, now, now.plus(vendor.sla())));
    }

    /** A grant past its lifetime that the expiry has not applied yet: the expiry suppresses it, vendor included. */
    private static boolean awaitingExpiry(PurposeChoice consent, Instant now) {
        return consent != null && consent.status() == PurposeStatus.GRANTED && consent.expiresAt() != null
                && !consent.expiresAt().isAfter(now);
    }

    private static Map<String, Vendor> index(Collection<Vendor> vendors) {
        Map<String, Vendor> byId = new TreeMap<>();
        vendors.forEach(v -> byId.put(v.vendorId(), v));
        return byId;
    }
}
