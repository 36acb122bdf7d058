package dev.consentrelay.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a signal against the policy and reports every violation at once, each naming the field and what to fix.
 * The {@code erase} flag on a kind other than withdrawal or erasure is ignored, not an error; a well-formed but
 * unknown region is accepted (it gets the stricter model).
 */
public final class SignalValidator {

    /** Why well-known non-affirmative methods are not consent. */
    private static final Map<String, String> NOT_CONSENT = Map.of("pre_checked_box", "a pre-checked box is not consent",
            "prechecked", "a pre-checked box is not consent", "pre-checked", "a pre-checked box is not consent",
            "default", "a default setting is not consent", "implied", "implied consent is not an affirmative act",
            "inactivity", "silence or inactivity is not consent", "scroll", "scrolling on is not consent");

    /** The longest subject id and identifier value. */
    public static final int MAX_ID_LENGTH = 256;
    /** The most identifiers one signal may carry. */
    public static final int MAX_IDENTIFIERS = 32;
    /** The longest identifier type, method and policy version. */
    public static final int MAX_NAME_LENGTH = 128;
    /** The most purposes one signal may name. */
    public static final int MAX_PURPOSES = 64;

    private final Policy policy;

    public SignalValidator(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param signal
     *            the signal; {@code null} is one violation
     * @param now
     *            the current time, to bound {@code occurredAt}
     * @return every violation, in field order
     */
    public ValidationResult validate(Signal signal, Instant now) {
        List<Violation> violations = new ArrayList<>();
        if (signal == null) {
            violations.add(new Violation("signal", "the signal is missing"));
            return new ValidationResult(violations);
        }
        if (Copies.isBlank(signal.signalId())) {
            violations.add(new Violation("signalId", "signalId is required (a UUID that identifies the signal)"));
        } else if (!Syntax.isUuid(signal.signalId())) {
            violations.add(new Violation("signalId", "signalId '" + signal.signalId()
                    + "' is not a UUID (expected 8-4-4-4-12 hex digits, e.g. 123e4567-e89b-12d3-a456-426614174000)"));
        }
        if (Copies.isBlank(signal.subjectId())) {
            violations.add(new Violation("subjectId", "subjectId is required (the subject's pseudonymous id)"));
        } else if (signal.subjectId().length() > MAX_ID_LENGTH) {
            violations.add(new Violation("subjectId", "subjectId has " + signal.subjectId().length()
                    + " characters; at most " + MAX_ID_LENGTH));
        }
        checkBounds(signal, violations);
        if (signal.kind() == null) {
            violations
                    .add(new Violation("kind",
                            "kind is required (one of OPT_IN, OPT_OUT, WITHDRAWAL, GPC, ERASURE, LINK)"));
        }
        if (signal.occurredAt() == null) {
            violations.add(new Violation("occurredAt", "occurredAt is required (when the person acted)"));
        } else if (now != null && signal.occurredAt().isAfter(now.plus(policy.maxClockSkew()))) {
            violations.add(new Violation("occurredAt", "occurredAt " + signal.occurredAt()
                    + " is in the future (more than " + policy.maxClockSkew() + " after " + now
                    + "); check the sender's clock"));
        }
        List<String> unknown = signal.purposes().stream().filter(purpose -> !policy.isKnownPurpose(purpose)).toList();
        if (!unknown.isEmpty()) {
            violations.add(new Violation("purposes", "unknown purpose" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown.stream().map(p -> "'" + p + "'").toList()) + "; the catalogue is "
                    + String.join(", ", policy.purposes())));
        }
        if (signal.kind() == Signal.Kind.LINK) {
            checkLink(signal, violations);
        } else if (signal.source() == Signal.Source.LINK && signal.kind() != Signal.Kind.OPT_OUT) {
            violations.add(new Violation("source", "source LINK is the service's own, for a refusal that crossed a"
                    + " link (an OPT_OUT); a " + signal.kind() + " cannot carry it"));
        }
        if (signal.kind() == Signal.Kind.OPT_IN) {
            if (signal.purposes().isEmpty()) {
                violations.add(new Violation("purposes", "an opt-in must name the purposes it grants"));
            }
            checkAffirmative(signal.method(), violations);
        }
        String region = signal.region();
        if (!Copies.isBlank(region) && !Regions.isValidCode(region.trim())) {
            violations.add(new Violation("region", "region '" + region
                    + "' is not a region code: two upper-case letters, optionally '-' and up to 3 letters or digits"
                    + " (EU, UK, CA, US-CA)"));
        }
        return new ValidationResult(violations);
    }

    /** The bounds of the spec's "Limits on input", so no signal can grow a row or a record without limit. */
    private static void checkBounds(Signal signal, List<Violation> violations) {
        if (signal.identifiers().size() > MAX_IDENTIFIERS) {
            violations.add(new Violation("identifiers", signal.identifiers().size() + " identifiers; at most "
                    + MAX_IDENTIFIERS));
        }
        for (int i = 0; i < signal.identifiers().size(); i++) {
            SubjectIdentifier identifier = signal.identifiers().get(i);
            if (identifier == null || Copies.isBlank(identifier.type()) || Copies.isBlank(identifier.value())) {
                violations.add(new Violation("identifiers[" + i + "]", "an identifier needs a type and a value"));
            } else if (identifier.type().length() > MAX_NAME_LENGTH || identifier.value().length() > MAX_ID_LENGTH) {
                violations.add(new Violation("identifiers[" + i + "]", "an identifier's type has at most "
                        + MAX_NAME_LENGTH + " characters and its value at most " + MAX_ID_LENGTH));
            } else {
                String problem = IdentifierTypes.problem(identifier);
                if (problem != null) {
                    violations.add(new Violation("identifiers[" + i + "]", problem));
                }
            }
        }
        if (signal.purposes().size() > MAX_PURPOSES) {
            violations.add(new Violation("purposes", signal.purposes().size() + " purposes; at most "
                    + MAX_PURPOSES));
        }
        if (signal.method() != null && signal.method().length() > MAX_NAME_LENGTH) {
            violations.add(new Violation("method", "method has " + signal.method().length()
                    + " characters; at most " + MAX_NAME_LENGTH));
        }
        if (signal.policyVersion() != null && signal.policyVersion().length() > MAX_NAME_LENGTH) {
            violations.add(new Violation("policyVersion", "policyVersion has " + signal.policyVersion().length()
                    + " characters; at most " + MAX_NAME_LENGTH));
        }
    }

    private static void checkLink(Signal signal, List<Violation> violations) {
        String linked = signal.linkedSubjectId();
        if (Copies.isBlank(linked)) {
            violations.add(new Violation("linkedSubjectId", "a LINK names the other subject in linkedSubjectId (e.g."
                    + " the account logged in on this device)"));
        } else if (linked.length() > MAX_ID_LENGTH) {
            violations.add(new Violation("linkedSubjectId", "linkedSubjectId has " + linked.length()
                    + " characters; at most " + MAX_ID_LENGTH));
        } else if (linked.equals(signal.subjectId())) {
            violations.add(new Violation("linkedSubjectId", "a subject cannot be linked to itself"));
        }
        if (!signal.purposes().isEmpty()) {
            violations.add(new Violation("purposes", "a LINK names no purposes: it joins two subjects, and every"
                    + " refusal of either then reaches the other"));
        }
    }

    private void checkAffirmative(String method, List<Violation> violations) {
        if (Copies.isBlank(method)) {
            violations.add(new Violation("method", "an opt-in must record the affirmative act that gave it (one of "
                    + String.join(", ", policy.affirmativeMethods()) + ")"));
            return;
        }
        if (policy.isAffirmativeMethod(method)) {
            return;
        }
        String why = NOT_CONSENT.get(Policy.normalizeMethod(method));
        violations.add(new Violation("method", "method '" + method + "' is not an affirmative act: "
                + (why != null ? why : "accepted methods are " + String.join(", ", policy.affirmativeMethods()))));
    }
}
