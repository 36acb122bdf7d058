package dev.consentrelay.domain;

/**
 * How one purpose changed in a decision, for the audit trail.
 *
 * @param purpose
 *            the purpose
 * @param statusBefore
 *            recorded status before; {@code null} when none
 * @param statusAfter
 *            recorded status after; {@code null} when none
 * @param model
 *            the model in the subject's region after the decision
 * @param allowedBefore
 *            effective permission before
 * @param allowedAfter
 *            effective permission after
 * @param rule
 *            the rule that decided the permission after, human-readable
 */
public record PurposeChange(String purpose, ConsentStatus statusBefore, ConsentStatus statusAfter,
        ConsentModel model, boolean allowedBefore, boolean allowedAfter, String rule) {
}
