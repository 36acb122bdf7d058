package dev.consentrelay.api;

import java.util.List;

import dev.consentrelay.domain.Violation;

/**
 * The body of a {@code 4xx}/{@code 503} answer: every problem, each naming the field and what to do.
 *
 * @param errors
 *            the problems
 */
public record ErrorBody(List<Violation> errors) {

    public static ErrorBody of(String field, String message) {
        return new ErrorBody(List.of(new Violation(field, message)));
    }
}
