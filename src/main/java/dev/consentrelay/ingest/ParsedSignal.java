package dev.consentrelay.ingest;

import java.util.List;

import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.Violation;

/**
 * A signal read from JSON, with every problem found in the JSON itself (unknown fields, wrong types, unknown enum
 * values, malformed timestamps). The signal holds what could be read; fields with a violation are left empty.
 *
 * @param signal
 *            the signal as far as it could be read
 * @param violations
 *            JSON-level problems, in field order
 */
public record ParsedSignal(Signal signal, List<Violation> violations) {

    public ParsedSignal {
        violations = List.copyOf(violations);
    }
}
