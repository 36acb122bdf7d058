package dev.consentrelay.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides which vendor gets which command (SPEC.md, "Fan-out rules").
 *
 * <ul>
 * <li>allowed → denied: one {@code SUPPRESS} per concerned vendor that processes an affected purpose, listing only
 * those purposes, if it supports {@code SUPPRESS};</li>
 * <li>denied → allowed: {@code RESUME}, only to vendors that support it;</li>
 * <li>erasure: {@code DELETE} to every concerned vendor supporting it; withdrawal with erase: {@code DELETE} to those
 * processing the withdrawn purposes.</li>
 * </ul>
 * A vendor is concerned when it is enabled, its parent (for a sub-processor) is enabled, and it serves the subject's
 * region before or after the change. Where the region is unknown every vendor is taken to serve it: suppressing too
 * widely is safer than missing a vendor that holds the data. A sub-processor without purposes inherits its parent's
 * purposes, and its parent's regions unless it lists its own; a sub-processor whose parent is not among the vendors is
 * judged on its own record. Commands are sorted by vendor id, then action.
 */
public final class FanOutPlanner {

    private static final int MAX_PARENT_DEPTH = 8;
    private static final SortedSet<String> NONE = Collections.emptySortedSet();

    /** The purposes a vendor processes and the regions it serves, after inheritance. */
    public record VendorScope(Set<String> purposes, Set<String> regions) {

        public VendorScope {
            purposes = Copies.sortedSet(purposes);
            regions = Copies.sortedSet(regions);
        }

        /** Whether the scope covers the region: no regions means all, an unknown region is covered. */
        public boolean serves(String region) {
            if (regions.isEmpty() || Regions.normalize(region) == null) {
                return true;
            }
            for (String pattern : regions) {
                if (Regions.matches(pattern, region)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The vendors of the last plan with their scopes, worked out once per vendor snapshot rather than per decision:
     * the caller passes the same (immutable) collection until a vendor changes. Shared by the stream threads, hence
     * one immutable holder behind a volatile reference.
     */
    private volatile Scopes scopes = new Scopes(null, Map.of(), Map.of());

    private record Scopes(Collection<Vendor> vendors, Map<String, Vendor> byId,
            Map<String, Optional<VendorScope>> byVendor) {
    }

    private Scopes scopes(Collection<Vendor> vendors) {
        Scopes known = scopes;
        if (known.vendors() == vendors && vendors != null) {
            return known;
        }
        Map<String, Vendor> byId = index(vendors);
        Map<String, Optional<VendorScope>> byVendor = new TreeMap<>();
        byId.values().forEach(vendor -> byVendor.put(vendor.vendorId(), scope(vendor, byId)));
        Scopes computed = new Scopes(vendors, byId, byVendor);
        scopes = computed;
        return computed;
    }

    /**
     * The commands for one decision, sorted by vendor id, then action.
     *
     * @param vendors every known vendor, as an immutable collection: the scopes worked out from it are kept until a
     *            different collection comes
     */
    public List<Command> plan(FanOutRequest request, Collection<Vendor> vendors) {
        Scopes known = scopes(vendors);
        Map<String, Vendor> byId = known.byId();
        Set<String> lost = new TreeSet<>();
        Set<String> gained = new TreeSet<>();
        request.after().forEach((purpose, after) -> {
            Permission before = request.before().get(purpose);
            boolean allowedBefore = before != null && before.allowed();
            if (allowedBefore && !after.allowed()) {
                lost.add(purpose);
            } else if (!allowedBefore && after.allowed()) {
                gained.add(purpose);
            }
        });
        List<Command> commands = new ArrayList<>();
        for (Vendor vendor : byId.values()) {
            Optional<VendorScope> found = known.byVendor().get(vendor.vendorId());
            if (found.isEmpty()) {
                continue;
            }
            VendorScope scope = found.get();
            if (!scope.serves(request.regionBefore()) && !scope.serves(request.regionAfter())) {
                continue;
            }
            // Each set is worked out only where its command could be issued: most decisions lose or gain purposes,
            // not both, and a vendor supports some actions only.
            SortedSet<String> suppress = vendor.supports(Command.Action.SUPPRESS)
                    ? intersect(scope.purposes(), lost)
                    : NONE;
            if (!suppress.isEmpty()) {
                commands.add(command(request, vendor, Command.Action.SUPPRESS, suppress, describe(suppress)));
            }
            if (vendor.supports(Command.Action.DELETE)) {
                if (request.eraseEverywhere()) {
                    commands.add(command(request, vendor, Command.Action.DELETE, scope.purposes(), "all data"));
                } else {
                    SortedSet<String> erase = intersect(scope.purposes(), request.erasePurposes());
                    if (!erase.isEmpty()) {
                        commands.add(command(request, vendor, Command.Action.DELETE, erase, describe(erase)));
                    }
                }
            }
            SortedSet<String> resume = vendor.supports(Command.Action.RESUME)
                    ? intersect(scope.purposes(), gained)
                    : NONE;
            if (!resume.isEmpty()) {
                commands.add(command(request, vendor, Command.Action.RESUME, resume, describe(resume)));
            }
        }
        commands.sort(Comparator.comparing(Command::vendorId).thenComparing(Command::action));
        return List.copyOf(commands);
    }

    /**
     * The scope of a vendor after inheritance; empty when it gets nothing (it or its parent is disabled).
     *
     * @param byId
     *            every vendor by id, to find parents
     */
    public Optional<VendorScope> scope(Vendor vendor, Map<String, Vendor> byId) {
        return scope(vendor, byId, new HashSet<>());
    }

    private Optional<VendorScope> scope(Vendor vendor, Map<String, Vendor> byId, Set<String> visited) {
        if (!vendor.enabled() || !visited.add(vendor.vendorId()) || visited.size() > MAX_PARENT_DEPTH) {
            return Optional.empty();
        }
        VendorScope own = new VendorScope(vendor.purposes(), vendor.regions());
        Vendor parent = vendor.isSubProcessor() && vendor.parentVendorId() != null
                ? byId.get(vendor.parentVendorId())
                : null;
        if (parent == null) {
            return Optional.of(own);
        }
        Optional<VendorScope> inherited = scope(parent, byId, visited);
        if (inherited.isEmpty()) {
            return Optional.empty();
        }
        if (!vendor.purposes().isEmpty()) {
            return Optional.of(own);
        }
        Set<String> regions = vendor.regions().isEmpty() ? inherited.get().regions() : vendor.regions();
        return Optional.of(new VendorScope(inherited.get().purposes(), regions));
    }

    private static Map<String, Vendor> index(Collection<Vendor> vendors) {
        Map<String, Vendor> byId = new TreeMap<>();
        if (vendors != null) {
            vendors.stream().filter(v -> v != null && v.vendorId() != null).forEach(v -> byId.put(v.vendorId(), v));
        }
        return byId;
    }

    /** The purposes in both sets, sorted; {@link #NONE} when there are none, without copying either set. */
    private static SortedSet<String> intersect(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return NONE;
        }
        Set<String> smaller = a.size() <= b.size() ? a : b;
        Set<String> larger = smaller == a ? b : a;
        SortedSet<String> both = null;
        for (String purpose : smaller) {
            if (larger.contains(purpose)) {
                if (both == null) {
                    both = new TreeSet<>();
                }
                both.add(purpose);
            }
        }
        return both == null ? NONE : both;
    }

    private static String describe(Set<String> purposes) {
        return String.join(", ", purposes);
    }

    private static Command command(FanOutRequest request, Vendor vendor, Command.Action action, Set<String> purposes,
            String what) {
        List<SubjectIdentifier> identifiers = vendor.identifierTypes().isEmpty()
                ? request.identifiers()
                : request.identifiers().stream().filter(id -> vendor.identifierTypes().contains(id.type())).toList();
        String region = Regions.normalize(request.regionAfter());
        String reason = request.cause() + " of " + what + " in " + Regions.describe(region) + " (" + request.origin()
                + ")";
        return new Command(CommandIds.of(request.signalId(), vendor.vendorId(), action), request.signalId(),
                request.subjectId(), vendor.vendorId(), action, purposes, identifiers, reason, region,
                request.policyVersion(), request.signalReceivedAt(), request.issuedAt(),
                request.signalReceivedAt() == null ? null : request.signalReceivedAt().plus(vendor.sla()));
    }
}
