package dev.consentrelay.domain;

/** How the law treats a purpose in a region. */
public enum ConsentModel {
    /** Processing only after an explicit, affirmative, unexpired grant. */
    OPT_IN,
    /** Processing by default until the subject refuses. */
    OPT_OUT
}
