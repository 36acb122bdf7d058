package dev.consentrelay.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Violation;

/**
 * Reads {@code POST /v1/signals/iab}: a subject and an IAB US Privacy and/or GPP string, turned into one
 * {@code OPT_OUT} signal for the purposes the strings refuse (see {@link IabOptOuts}). A string that refuses nothing
 * yields a signal with no purposes, which must not be published (no purposes would mean "all purposes").
 */
public final class IabSignalJson {

    /** The fields of the request. */
    public static final Set<String> FIELDS = Set.of("signalId", "subjectId", "identifiers", "region", "source",
            "policyVersion", "occurredAt", "uspString", "gppString");

    private IabSignalJson() {
    }

    /**
     * The request as an opt-out signal (random {@code signalId} unless given; source {@code WEB_BANNER} unless given).
     */
    public static ParsedSignal parse(JsonNode node, Instant receivedAt) {
        List<Violation> violations = new ArrayList<>();
        if (node == null || !node.isObject()) {
            violations.add(new Violation("body", "a JSON object with the fields " + SignalJson.sorted(FIELDS)));
            return new ParsedSignal(null, violations);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(name, "unknown field '" + name + "'; the fields are "
                        + SignalJson.sorted(FIELDS)));
            }
        }
        String signalId = SignalJson.text(node, "signalId", violations);
        String subjectId = SignalJson.text(node, "subjectId", violations);
        List<SubjectIdentifier> identifiers = SignalJson.identifiers(node.get("identifiers"), violations);
        String region = SignalJson.text(node, "region", violations);
        Signal.Source source = SignalJson.enumValue(node, "source", Signal.Source.class, violations);
        String policyVersion = SignalJson.text(node, "policyVersion", violations);
        Instant occurredAt = SignalJson.instant(node, "occurredAt", violations);
        String usp = SignalJson.text(node, "uspString", violations);
        String gpp = SignalJson.text(node, "gppString", violations);
        IabOptOuts.Result optOuts = IabOptOuts.read(usp, gpp);
        violations.addAll(optOuts.violations());
        Signal signal = new Signal(signalId != null ? signalId : UUID.randomUUID().toString(), subjectId,
                identifiers, Signal.Kind.OPT_OUT, optOuts.purposes(), region,
                source != null ? source : Signal.Source.WEB_BANNER, optOuts.method(), policyVersion, occurredAt,
                receivedAt, false);
        return new ParsedSignal(signal, violations);
    }
}
