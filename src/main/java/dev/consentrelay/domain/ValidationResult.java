package dev.consentrelay.domain;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every violation found in a signal; valid when there are none.
 *
 * @param violations
 *            in the order the fields were checked
 */
public record ValidationResult(List<Violation> violations) {

    public ValidationResult {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public boolean isValid() {
        return violations.isEmpty();
    }

    /** The violations joined into one line, e.g. for a dead-letter header; empty when valid. */
    public String summary() {
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
