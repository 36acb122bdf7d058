package dev.consentrelay.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The consent policy engine: folds a signal into a subject's consent row and decides the commands to issue. Pure and
 * deterministic: the same inputs (including {@code now}) give the same decision.
 *
 * <h2>Signals</h2>
 * <ul>
 * <li>{@code OPT_OUT}: the listed purposes (all when none) become {@code DENIED}.</li>
 * <li>{@code WITHDRAWAL}: the listed purposes (all when none) become {@code WITHDRAWN}; with {@code erase} the vendors
 * processing them are also told to delete.</li>
 * <li>{@code OPT_IN}: the listed purposes become {@code GRANTED}, expiring {@code occurredAt} plus the lifetime for
 * (region, purpose), if any.</li>
 * <li>{@code GPC}: GPC becomes active (first seen kept, last seen updated); it denies the region's GPC purposes unless
 * a purpose has an unexpired grant made after GPC was first seen. It sets the region only of a subject whose region is
 * unknown, so it never grants and never causes a {@code RESUME}.</li>
 * <li>{@code ERASURE}: every purpose becomes {@code DENIED}, {@code erasedAt} is set and every vendor serving the
 * region is told to delete. The row keeps only what suppression needs. {@code erasedAt} is never cleared: afterwards
 * nothing is allowed except purposes with a grant made after {@code erasedAt}, so a person can opt in again without
 * resurrecting anything given before the erasure.</li>
 * </ul>
 *
 * <h2>Ordering</h2> Per purpose, a signal older ({@code occurredAt}) than the recorded choice is superseded and
 * changes nothing there. On equal times a refusal wins: a grant is superseded by an equal-time refusal, a refusal
 * overrides an equal-time grant. The signal's region becomes the subject's region unless the signal is older than the
 * row's {@code updatedAt}; identifiers are merged.
 *
 * <h2>Outcome</h2> {@code APPLIED} when a status, permission, grant expiry, region, erasure or GPC activation changed;
 * {@code SUPERSEDED} when every addressed purpose holds a newer choice; otherwise {@code NO_CHANGE}. Commands are
 * issued only for {@code APPLIED}, by the {@link FanOutPlanner}, from the permissions before (old row, old region)
 * and after (new row, new region), both at {@code now}; a row whose region was unknown is compared in the new region.
 *
 * <h2>Expiry</h2> {@link #expire} turns grants whose {@code expiresAt} has passed into {@code WITHDRAWN} with method
 * {@value #EXPIRED_METHOD} (keeping the original {@code since}, source and expiry), so the same expiry is applied only
 * once. Such a lapsed grant counts as no grant: denied under OPT_IN, the default under OPT_OUT.
 */
public final class PolicyEngine {

    /** Method recorded on a grant that lapsed. */
    public static final String EXPIRED_METHOD = "expired";

    private final Policy policy;
    private final SignalValidator validator;
    private final FanOutPlanner planner;
    private final IdentifierHasher hasher;

    /** An engine whose erased rows keep hashes under a random key (for reading permissions, and for tests). */
    public PolicyEngine(Policy policy) {
        this(policy, IdentifierHasher.random());
    }

    /**
     * @param hasher
     *            the service's keyed hash: after an erasure the row keeps its identifiers only as keyed hashes
     */
    public PolicyEngine(Policy policy, IdentifierHasher hasher) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.validator = new SignalValidator(policy);
        this.planner = new FanOutPlanner();
        this.hasher = Objects.requireNonNull(hasher, "hasher");
    }

    public Policy policy() {
        return policy;
    }

    /** The keyed hash that stands in for identifiers wherever they must not be kept raw. */
    public IdentifierHasher hasher() {
        return hasher;
    }

    /** Validates a signal against this engine's policy. */
    public ValidationResult validate(Signal signal, Instant now) {
        return validator.validate(signal, now);
    }

    /**
     * Decides what a signal changes.
     *
     * @param current
     *            the subject's row; {@code null} for a subject never seen
     * @param signal
     *            the signal
     * @param vendors
     *            every known vendor and sub-processor
     * @param now
     *            the processing time: bounds {@code occurredAt}, evaluates grant expiry, stamps commands
     * @return the decision; {@code REJECTED} with every violation for invalid input, leaving the row untouched
     */
    public Decision decide(SubjectConsent current, Signal signal, Collection<Vendor> vendors, Instant now) {
        Objects.requireNonNull(now, "now");
        return decide(current, signal, vendors, now, validator.validate(signal, now).violations());
    }

    /**
     * Decides a signal that was validated against this engine's policy already, as {@link #decide} does after its
     * own validation: the topology validates each signal where it decodes it, and validating it again took about
     * 2% of the stream thread's time (the identifier and region patterns). A signal that does not belong to
     * {@code current}'s subject is still refused.
     */
    public Decision decideValidated(SubjectConsent current, Signal signal, Collection<Vendor> vendors, Instant now) {
        Objects.requireNonNull(now, "now");
        return decide(current, signal, vendors, now, List.of());
    }

    private Decision decide(SubjectConsent current, Signal signal, Collection<Vendor> vendors, Instant now,
            List<Violation> found) {
        SubjectConsent before = current != null
                ? current
                : SubjectConsent.empty(signal == null ? null : signal.subjectId());
        List<Violation> violations = new ArrayList<>(found);
        if (current != null && signal != null && !Copies.isBlank(signal.subjectId())
                && !signal.subjectId().equals(current.subjectId())) {
            violations.add(new Violation("subjectId", "subjectId '" + signal.subjectId()
                    + "' does not match the consent row of '" + current.subjectId() + "'"));
        }
        if (!violations.isEmpty()) {
            String reason = new ValidationResult(violations).summary();
            return new Decision(Decision.Outcome.REJECTED, reason, before, before, List.of(), Set.of(), List.of(),
                    policy.version());
        }

        Instant at = signal.occurredAt();
        String signalRegion = Regions.normalize(signal.region());
        boolean newest = before.updatedAt() == null || !at.isBefore(before.updatedAt());
        // A GPC signal only ever denies: it never moves a subject out of a known region (its region comes from a
        // geo header an anonymous caller can set), which could put the subject under a laxer model.
        boolean keepsRegion = signal.kind() == Signal.Kind.GPC && before.region() != null;
        String region = !keepsRegion && signalRegion != null && newest ? signalRegion : before.region();
        Instant updatedAt = newest ? at : before.updatedAt();
        String grantRegion = signalRegion != null ? signalRegion : region;

        Map<String, PurposeChoice> purposes = new TreeMap<>(before.purposes());
        Set<String> applied = new TreeSet<>();
        Set<String> superseded = new TreeSet<>();
        SubjectConsent.Gpc gpc = before.gpc();
        Instant erasedAt = before.erasedAt();
        switch (signal.kind()) {
            case OPT_IN -> apply(signal, PurposeStatus.GRANTED, signal.purposes(), grantRegion, purposes, applied,
                    superseded);
            case OPT_OUT -> apply(signal, PurposeStatus.DENIED, orAll(signal.purposes()), grantRegion, purposes,
                    applied, superseded);
            case WITHDRAWAL -> apply(signal, PurposeStatus.WITHDRAWN, orAll(signal.purposes()), grantRegion, purposes,
                    applied, superseded);
            case ERASURE -> {
                Set<String> all = new TreeSet<>(policy.purposes());
                all.addAll(before.purposes().keySet());
                apply(signal, PurposeStatus.DENIED, all, grantRegion, purposes, applied, superseded);
                erasedAt = erasedAt == null || at.isAfter(erasedAt) ? at : erasedAt;
            }
            case GPC -> {
                boolean wasActive = gpc != null && gpc.active();
                Instant first = wasActive && gpc.firstSeenAt() != null && gpc.firstSeenAt().isBefore(at)
                        ? gpc.firstSeenAt()
                        : at;
                Instant last = gpc != null && gpc.lastSeenAt() != null && gpc.lastSeenAt().isAfter(at)
                        ? gpc.lastSeenAt()
                        : at;
                gpc = new SubjectConsent.Gpc(true, first, last);
                for (String purpose : policy.gpcPurposes(region)) {
                    PurposeChoice existing = purposes.get(purpose);
                    if (existing != null && existing.status() == PurposeStatus.GRANTED
                            && existing.since().isAfter(at)) {
                        superseded.add(purpose);
                    } else {
                        applied.add(purpose);
                    }
                }
            }
            case LINK -> {
                // A link changes no status here: the refusals it carries arrive as refusals with source LINK.
            }
            default -> throw new IllegalStateException("unhandled kind " + signal.kind());
        }

        // Bounded whatever arrives: the newest identifiers are kept, so no sequence of signals can make a row too
        // large to write (and the subject impossible to opt out).
        List<SubjectIdentifier> identifiers = Copies.boundedUnion(before.identifiers(), signal.identifiers(),
                SignalValidator.MAX_IDENTIFIERS);
        boolean erasing = signal.kind() == Signal.Kind.ERASURE
                || signal.kind() == Signal.Kind.WITHDRAWAL && signal.erase();
        // An erasure's commands carry the raw identifiers (vendors must find what to delete); the row keeps only
        // their keyed hashes, enough to recognise the subject again, nothing a reader of the row could use.
        SubjectConsent after = new SubjectConsent(before.subjectId(), region,
                erasing ? hasher.redact(identifiers) : identifiers, purposes, gpc, erasedAt, updatedAt,
                signal.signalId());
        // Where the region was unknown, the law of the region the subject turns out to be in applied all along:
        // compare against that, so that learning a region is not mistaken for a change of permission.
        SubjectConsent baseline = before.region() == null ? withRegion(before, region) : before;
        Map<String, Permission> permissionsBefore = permissions(baseline, now, false);
        Map<String, Permission> permissionsAfter = permissions(after, now, false);
        List<Decision.Change> changes = changes(before, after, now, permissionsBefore, permissionsAfter, applied);
        boolean meaningful = !changes.isEmpty() || !Objects.equals(before.region(), region)
                || !Objects.equals(before.erasedAt(), erasedAt) || before.isGpcActive() != after.isGpcActive();

        String kind = signal.kind().name();
        if (!meaningful) {
            if (applied.isEmpty() && !superseded.isEmpty()) {
                return new Decision(Decision.Outcome.SUPERSEDED, kind + " at " + at
                        + " is older than the recorded choice for " + String.join(", ", superseded), before, after,
                        List.of(), superseded, List.of(), policy.version());
            }
            return new Decision(Decision.Outcome.NO_CHANGE, kind + " changes no status or permission"
                    + supersededNote(superseded), before, after, List.of(), superseded, List.of(), policy.version());
        }

        boolean eraseWithdrawn = signal.kind() == Signal.Kind.WITHDRAWAL && signal.erase();
        FanOutRequest request = new FanOutRequest(signal.signalId(), before.subjectId(),
                eraseWithdrawn ? kind + " with erase" : kind,
                "signal from " + signal.source(), before.region(), region, IdentifierHasher.raw(identifiers),
                permissionsBefore,
                permissionsAfter, signal.kind() == Signal.Kind.ERASURE, eraseWithdrawn ? applied : Set.of(),
                policy.version(), signal.receivedOrOccurredAt(), now);
        List<Command> commands = planner.plan(request, vendors);
        return new Decision(Decision.Outcome.APPLIED, appliedReason(kind, changes, superseded, commands), before,
                after, changes, superseded, commands, policy.version());
    }

    /**
     * Applies grant expiry: every grant whose {@code expiresAt} is not after {@code now} lapses. Permissions just
     * before the earliest such expiry are compared with those at {@code now}; purposes that went from allowed to
     * denied are suppressed. The commands' signal id is a name-based UUID of
     * {@code expiry|subjectId|purpose|expiresAt} (joined over the lapsing purposes, sorted), so re-running gives the
     * same command ids; the propagation clock starts at the earliest expiry.
     *
     * @return {@code NO_CHANGE} without commands when nothing is due
     */
    public Decision expire(SubjectConsent current, Collection<Vendor> vendors, Instant now) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(now, "now");
        Map<String, PurposeChoice> due = new TreeMap<>();
        current.purposes().forEach((purpose, consent) -> {
            if (consent.status() == PurposeStatus.GRANTED && consent.expiresAt() != null
                    && !consent.expiresAt().isAfter(now)) {
                due.put(purpose, consent);
            }
        });
        if (due.isEmpty()) {
            return new Decision(Decision.Outcome.NO_CHANGE, "no grant has expired", current, current, List.of(),
                    Set.of(), List.of(), policy.version());
        }
        String name = "expiry|" + current.subjectId() + "|" + due.entrySet().stream()
                .map(e -> e.getKey() + "|" + e.getValue().expiresAt())
                .collect(Collectors.joining("|"));
        String signalId = NameUuids.of(name);
        Instant earliest = due.values().stream().map(PurposeChoice::expiresAt).min(Comparator.naturalOrder())
                .orElseThrow();
        Instant latest = due.values().stream().map(PurposeChoice::expiresAt).max(Comparator.naturalOrder())
                .orElseThrow();

        Map<String, PurposeChoice> purposes = new TreeMap<>(current.purposes());
        due.forEach((purpose, grant) -> purposes.put(purpose, new PurposeChoice(PurposeStatus.WITHDRAWN,
                grant.since(), signalId, grant.source(), EXPIRED_METHOD, grant.policyVersion(), grant.expiresAt())));
        Instant updatedAt = current.updatedAt() == null || latest.isAfter(current.updatedAt())
                ? latest
                : current.updatedAt();
        SubjectConsent after = new SubjectConsent(current.subjectId(), current.region(), current.identifiers(),
                purposes, current.gpc(), current.erasedAt(), updatedAt, signalId);

        Map<String, Permission> permissionsBefore = permissions(current, earliest.minusNanos(1), false);
        Map<String, Permission> permissionsAfter = permissions(after, now, false);
        List<Decision.Change> changes = changes(current, after, now, permissionsBefore, permissionsAfter,
                due.keySet());
        FanOutRequest request = new FanOutRequest(signalId, current.subjectId(), "EXPIRY",
                "grant expired at " + earliest, current.region(), current.region(),
                IdentifierHasher.raw(current.identifiers()),
                permissionsBefore, permissionsAfter, false, Set.of(), policy.version(), earliest, now);
        List<Command> commands = planner.plan(request, vendors);
        return new Decision(Decision.Outcome.APPLIED, appliedReason("EXPIRY", changes, Set.of(), commands), current,
                after, changes, Set.of(), commands, policy.version());
    }

    /** The earliest {@code expiresAt} of a live grant, for the expiry index; empty when no grant lapses. */
    public Optional<Instant> nextExpiry(SubjectConsent state) {
        if (state == null) {
            return Optional.empty();
        }
        return state.purposes().values().stream()
                .filter(consent -> consent.status() == PurposeStatus.GRANTED && consent.expiresAt() != null)
                .map(PurposeChoice::expiresAt)
                .min(Comparator.naturalOrder());
    }

    /**
     * The effective permission of every catalogue purpose in the subject's region at {@code now}, in catalogue order.
     * Rules, first match wins: erased (and no grant made after the erasure) → denied; {@code DENIED} or
     * {@code WITHDRAWN} → denied; GPC active and a GPC purpose of the region (and no unexpired grant made after GPC was
     * first seen) → denied; unexpired grant → allowed; otherwise OPT_IN → denied, OPT_OUT → allowed.
     */
    public Map<String, Permission> permissions(SubjectConsent state, Instant now) {
        return permissions(state, now, true);
    }

    /**
     * The permissions, with their rules rendered only when {@code explain}: a decision compares the verdicts of every
     * purpose twice and keeps the rule of a changed purpose alone, which {@link #changes} renders.
     */
    private Map<String, Permission> permissions(SubjectConsent state, Instant now, boolean explain) {
        SubjectConsent row = state != null ? state : SubjectConsent.empty(null);
        Map<String, Permission> permissions = new LinkedHashMap<>();
        for (String purpose : policy.purposes()) {
            permissions.put(purpose, permission(row, purpose, now, explain));
        }
        return permissions;
    }

    /** The effective permission of one purpose; see {@link #permissions}. */
    public Permission permission(SubjectConsent state, String purpose, Instant now) {
        return permission(state, purpose, now, true);
    }

    private Permission permission(SubjectConsent state, String purpose, Instant now, boolean explain) {
        String region = state.region();
        Policy.Model model = policy.model(region, purpose);
        PurposeChoice consent = state.purposes().get(purpose);
        PurposeStatus status = consent == null ? null : consent.status();
        Rule rule = (allowed, why) -> new Permission(purpose, allowed, model, status,
                explain ? model + " in " + Regions.describe(region) + ": " + why.get() : null);
        boolean liveGrant = consent != null && consent.isUnexpiredGrant(now);

        if (state.isErased() && !(liveGrant && consent.since().isAfter(state.erasedAt()))) {
            return rule.verdict(false, () -> "erased at " + state.erasedAt()
                    + "; only a grant made after the erasure counts");
        }
        if (consent != null && !consent.isLapsedGrant()
                && (status == PurposeStatus.DENIED || status == PurposeStatus.WITHDRAWN)) {
            String what = status == PurposeStatus.DENIED ? "refused" : "withdrawn";
            return rule.verdict(false, () -> what + " at " + consent.since() + " (" + consent.source() + ")");
        }
        SubjectConsent.Gpc gpc = state.gpc();
        if (state.isGpcActive() && policy.gpcPurposes(region).contains(purpose)
                && !(liveGrant && (gpc.firstSeenAt() == null || consent.since().isAfter(gpc.firstSeenAt())))) {
            return rule.verdict(false, () -> "Global Privacy Control since " + gpc.firstSeenAt());
        }
        if (liveGrant) {
            return rule.verdict(true, () -> "explicit grant"
                    + (consent.expiresAt() != null ? " until " + consent.expiresAt() : ""));
        }
        boolean lapsed = consent != null && consent.expiresAt() != null
                && (status == PurposeStatus.GRANTED || consent.isLapsedGrant());
        if (model == Policy.Model.OPT_IN) {
            return rule.verdict(false, () -> lapsed ? "grant expired at " + consent.expiresAt() : "no explicit grant");
        }
        return rule.verdict(true, () -> (lapsed ? "grant expired at " + consent.expiresAt() + "; " : "")
                + "not refused");
    }

    /** Builds a permission from its verdict, rendering the rule's text only if the permission is explained. */
    @FunctionalInterface
    private interface Rule {
        Permission verdict(boolean allowed, Supplier<String> why);
    }

    private static SubjectConsent withRegion(SubjectConsent state, String region) {
        return new SubjectConsent(state.subjectId(), region, state.identifiers(), state.purposes(), state.gpc(),
                state.erasedAt(), state.updatedAt(), state.lastSignalId());
    }

    private void apply(Signal signal, PurposeStatus status, Set<String> targets, String grantRegion,
            Map<String, PurposeChoice> purposes, Set<String> applied, Set<String> superseded) {
        Instant at = signal.occurredAt();
        for (String purpose : targets) {
            PurposeChoice existing = purposes.get(purpose);
            if (existing != null && isSuperseded(existing, at, status)) {
                superseded.add(purpose);
                continue;
            }
            Instant expiresAt = status == PurposeStatus.GRANTED
                    ? policy.grantExpiry(grantRegion, purpose, at).orElse(null)
                    : null;
            purposes.put(purpose, new PurposeChoice(status, at, signal.signalId(), signal.source(), signal.method(),
                    signal.policyVersion(), expiresAt));
            applied.add(purpose);
        }
    }

    /**
     * Older loses; on a tie a grant loses to a recorded refusal (a lapsed grant at the same time is the same grant).
     */
    private static boolean isSuperseded(PurposeChoice existing, Instant at, PurposeStatus status) {
        if (at.isBefore(existing.since())) {
            return true;
        }
        return at.equals(existing.since()) && status == PurposeStatus.GRANTED
                && existing.status() != PurposeStatus.GRANTED;
    }

    private Set<String> orAll(Set<String> purposes) {
        return purposes.isEmpty() ? policy.purposes() : purposes;
    }

    private List<Decision.Change> changes(SubjectConsent before, SubjectConsent after, Instant now,
            Map<String, Permission> permissionsBefore, Map<String, Permission> permissionsAfter, Set<String> applied) {
        List<Decision.Change> changes = new ArrayList<>();
        permissionsAfter.forEach((purpose, permissionAfter) -> {
            Permission permissionBefore = permissionsBefore.get(purpose);
            PurposeChoice consentBefore = before.purposes().get(purpose);
            PurposeChoice consentAfter = after.purposes().get(purpose);
            PurposeStatus statusBefore = consentBefore == null ? null : consentBefore.status();
            PurposeStatus statusAfter = consentAfter == null ? null : consentAfter.status();
            boolean expiryChanged = applied.contains(purpose) && !Objects.equals(
                    consentBefore == null ? null : consentBefore.expiresAt(),
                    consentAfter == null ? null : consentAfter.expiresAt());
            if (statusBefore != statusAfter || permissionBefore.allowed() != permissionAfter.allowed()
                    || expiryChanged) {
                changes.add(new Decision.Change(purpose, statusBefore, statusAfter, permissionAfter.model(),
                        permissionBefore.allowed(), permissionAfter.allowed(),
                        permission(after, purpose, now, true).rule()));
            }
        });
        return changes;
    }

    private static String supersededNote(Set<String> superseded) {
        return superseded.isEmpty() ? "" : "; superseded by newer choices for " + String.join(", ", superseded);
    }

    private static String appliedReason(String cause, List<Decision.Change> changes, Set<String> superseded,
            List<Command> commands) {
        String what = changes.isEmpty()
                ? "recorded"
                : "changed " + changes.stream()
                        .map(c -> c.purpose() + " (" + (c.allowedBefore() ? "allowed" : "denied") + " -> "
                                + (c.allowedAfter() ? "allowed" : "denied") + ")")
                        .collect(Collectors.joining(", "));
        return cause + " " + what + supersededNote(superseded) + "; " + commands.size() + " command"
                + (commands.size() == 1 ? "" : "s");
    }
}
