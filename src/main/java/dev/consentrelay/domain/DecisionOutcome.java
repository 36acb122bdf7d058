package dev.consentrelay.domain;

/** What the policy engine did with a signal. */
public enum DecisionOutcome {
    /** The state changed meaningfully; commands may have been issued. */
    APPLIED,
    /** Valid, but no status, permission, region, erasure or GPC activation changed; no commands. */
    NO_CHANGE,
    /** Every purpose the signal addressed already holds a newer choice (event time); nothing changed. */
    SUPERSEDED,
    /** Invalid input; the reason lists every violation. */
    REJECTED
}
