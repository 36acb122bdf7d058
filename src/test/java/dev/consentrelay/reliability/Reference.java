package dev.consentrelay.reliability;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Decision;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.Vendor;

/**
 * What the service must have done, computed by the policy engine alone: the signals folded per subject in the order
 * they were published, signals whose id was already applied skipped (the topology's de-duplication), with the same
 * vendors and a fixed decision time.
 */
final class Reference {

    /** A command as the verifier compares it: everything but times and the identifiers sent. */
    record CommandKey(String signalId, String vendorId, String action, Set<String> purposes) {
    }

    private final PolicyEngine engine;
    private final List<Vendor> vendors;
    private final Instant now;
    private final Map<String, SubjectConsent> states = new HashMap<>();
    private final Set<String> applied = new HashSet<>();
    private final Map<String, String> subjectOfSignal = new HashMap<>();
    private final Set<CommandKey> commands = new HashSet<>();
    private final Map<String, Decision.Outcome> outcomes = new HashMap<>();
    private int duplicates;
    private int gpcNoOps;

    Reference(PolicyEngine engine, List<Vendor> vendors, Instant now) {
        this.engine = engine;
        this.vendors = List.copyOf(vendors);
        this.now = now;
    }

    /** Applies the signals in publication order. */
    Reference applyAll(List<Signal> signals) {
        signals.forEach(this::apply);
        return this;
    }

    Decision apply(Signal signal) {
        subjectOfSignal.put(signal.signalId(), signal.subjectId());
        if (applied.contains(signal.signalId())) {
            duplicates++;
            return null;
        }
        SubjectConsent before = states.get(signal.subjectId());
        if (signal.kind() == Signal.Kind.GPC && before != null && before.isGpcActive()) {
            // The service writes nothing for a GPC signal while the subject's GPC is active, nor remembers its id.
            gpcNoOps++;
            return null;
        }
        applied.add(signal.signalId());
        Decision decision = engine.decide(before, signal, vendors, now);
        if (decision.stateAfter() != null) {
            states.put(signal.subjectId(), decision.stateAfter());
        }
        outcomes.put(signal.signalId(), decision.outcome());
        for (Command command : decision.commands()) {
            commands.add(key(command));
        }
        return decision;
    }

    /** The decision a signal would get now, without applying it. */
    Decision wouldDecide(SubjectConsent state, Signal signal) {
        return engine.decide(state, signal, vendors, now);
    }

    static CommandKey key(Command command) {
        return new CommandKey(command.signalId(), command.vendorId(), command.action().name(),
                Set.copyOf(command.purposes()));
    }

    Map<String, SubjectConsent> states() {
        return states;
    }

    Set<CommandKey> commands() {
        return commands;
    }

    /** Ids of the signals decided (first deliveries), with their outcome. */
    Map<String, Decision.Outcome> outcomes() {
        return outcomes;
    }

    String subjectOf(String signalId) {
        return subjectOfSignal.get(signalId);
    }

    /** Signals the service audits as duplicates: ids applied before. */
    int duplicates() {
        return duplicates;
    }

    /** GPC signals for a subject whose GPC was already active: decided as no-ops that write nothing. */
    int gpcNoOps() {
        return gpcNoOps;
    }
}
