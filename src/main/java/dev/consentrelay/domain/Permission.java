package dev.consentrelay.domain;

/**
 * Whether a purpose may be processed for a subject, and why.
 *
 * @param purpose
 *            the purpose
 * @param allowed
 *            effective permission
 * @param model
 *            the model in the subject's region
 * @param status
 *            the recorded status; {@code null} when none
 * @param rule
 *            human-readable reason, e.g. {@code OPT_IN in EU: explicit grant until 2027-12-01T00:00:00Z}; {@code null}
 *            only inside a decision, which compares verdicts and renders the rule of a changed purpose alone
 */
public record Permission(String purpose, boolean allowed, Policy.Model model, PurposeStatus status, String rule) {
}
