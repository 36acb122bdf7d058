package dev.consentrelay.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.consentrelay.domain.Decision;
import dev.consentrelay.domain.NameUuids;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PurposeChoice;
import dev.consentrelay.domain.PurposeStatus;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.SignalKind;
import dev.consentrelay.schema.SignalSource;

/**
 * Linked identities (a device and the account behind it): which subjects a row is linked to, and the signals that
 * carry a refusal across a link. The two subjects usually live in different tasks, so what crosses is a signal keyed
 * by the other subject, written to the signal topic in the transaction of the decision that caused it.
 *
 * <ul>
 * <li>A {@code LINK} of A to B records B in A's row, sends B the other side of the link (a {@code LINK} with source
 * {@code LINK}, which sends nothing back), and sends B each refusal A already has: an {@code OPT_OUT} with source
 * {@code LINK} at the refusal's own event time. B's side sends A its refusals the same way.</li>
 * <li>A decision that refuses a purpose (opt-out, withdrawal, erasure, GPC, or a refusal that crossed a link) sends the
 * purposes it newly refused to every linked subject but the one it came from, as an {@code OPT_OUT} with source
 * {@code LINK} at the original event time, so a later grant of the linked subject's own still wins. Grants never cross;
 * an erasure crosses as the refusal it implies, not as an erasure.</li>
 * </ul>
 * Each crossing signal's id is derived from the signal that caused it and its target, so a replay sends the same id
 * (and the target's de-duplication drops it), and a signal only crosses when it changed something: in a cycle the
 * refusal stops where it changes nothing more.
 */
final class Links {

    /** The most links a row keeps (the newest). */
    static final int MAX_LINKS = 32;

    private Links() {
    }

    /** The links of a stored row. */
    static List<String> of(ConsentRow stored) {
        return stored == null || stored.getLinks() == null ? List.of() : List.copyOf(stored.getLinks());
    }

    /** The links with {@code linked} added (newest last), bounded. */
    static List<String> with(List<String> links, String linked) {
        Set<String> all = new LinkedHashSet<>(links);
        all.remove(linked);
        all.add(linked);
        List<String> bounded = new ArrayList<>(all);
        return bounded.size() > MAX_LINKS ? bounded.subList(bounded.size() - MAX_LINKS, bounded.size()) : bounded;
    }

    /** The signals that cross this subject's links because of this decision. */
    static List<ConsentSignal> crossing(String subjectId, ConsentSignal signal, Decision decision, List<String> links,
            Policy policy) {
        List<ConsentSignal> out = new ArrayList<>();
        if (decision.outcome() == Decision.Outcome.REJECTED) {
            return out;
        }
        if (signal.getKind() == SignalKind.LINK) {
            String other = signal.getLinkedSubjectId();
            if (signal.getSource() != SignalSource.LINK) {
                out.add(derived(signal, other, SignalKind.LINK, Set.of(), subjectId, signal.getOccurredAt(), "link"));
            }
            refusals(decision.stateAfter(), policy).forEach((at, purposes) -> out.add(derived(signal, other,
                    SignalKind.OPT_OUT, purposes, subjectId, at, "refusals-at-" + at.toEpochMilli())));
            return out;
        }
        if (links.isEmpty() || decision.outcome() != Decision.Outcome.APPLIED) {
            return out;
        }
        Set<String> refused = newlyRefused(decision);
        if (refused.isEmpty()) {
            return out;
        }
        String from = signal.getSource() == SignalSource.LINK ? signal.getLinkedSubjectId() : null;
        for (String link : links) {
            if (!link.equals(from) && !link.equals(subjectId)) {
                out.add(derived(signal, link, SignalKind.OPT_OUT, refused, subjectId, signal.getOccurredAt(),
                        "refusal"));
            }
        }
        return out;
    }

    /** Purposes the decision turned from allowed to refused, or recorded a refusal for. */
    static Set<String> newlyRefused(Decision decision) {
        Set<String> refused = new TreeSet<>();
        for (Decision.Change change : decision.changes()) {
            boolean nowRefusedStatus = (change.statusAfter() == PurposeStatus.DENIED
                    || change.statusAfter() == PurposeStatus.WITHDRAWN)
                    && change.statusBefore() != change.statusAfter();
            if (nowRefusedStatus || change.allowedBefore() && !change.allowedAfter()) {
                refused.add(change.purpose());
            }
        }
        return refused;
    }

    /** Every refusal a row holds, grouped by event time: denied or withdrawn purposes, and GPC's purposes. */
    static Map<Instant, Set<String>> refusals(SubjectConsent state, Policy policy) {
        Map<Instant, Set<String>> byTime = new TreeMap<>();
        if (state == null) {
            return byTime;
        }
        Set<String> seen = new TreeSet<>();
        for (Map.Entry<String, PurposeChoice> entry : state.purposes().entrySet()) {
            PurposeChoice consent = entry.getValue();
            if (consent.status() == PurposeStatus.DENIED || consent.status() == PurposeStatus.WITHDRAWN) {
                byTime.computeIfAbsent(consent.since(), at -> new TreeSet<>()).add(entry.getKey());
                seen.add(entry.getKey());
            }
        }
        if (state.isGpcActive() && state.gpc().firstSeenAt() != null) {
            Set<String> gpc = new TreeSet<>(policy.gpcPurposes(state.region()));
            gpc.removeAll(seen);
            if (!gpc.isEmpty()) {
                byTime.computeIfAbsent(state.gpc().firstSeenAt(), at -> new TreeSet<>()).addAll(gpc);
            }
        }
        return byTime;
    }

    private static ConsentSignal derived(ConsentSignal cause, String target, SignalKind kind, Set<String> purposes,
            String from, Instant occurredAt, String discriminator) {
        UUID id = NameUuids.uuid("link|" + cause.getSignalId() + "|" + target + "|" + discriminator);
        return ConsentSignal.newBuilder()
                .setSignalId(id)
                .setSubjectId(target)
                .setIdentifiers(new ArrayList<>())
                .setKind(kind)
                .setPurposes(new ArrayList<>(purposes))
                .setRegion(null)
                .setSource(SignalSource.LINK)
                .setMethod("link")
                .setPolicyVersion(cause.getPolicyVersion())
                .setOccurredAt(occurredAt)
                .setReceivedAt(cause.getReceivedAt())
                .setErase(false)
                .setLinkedSubjectId(from)
                .build();
    }
}
