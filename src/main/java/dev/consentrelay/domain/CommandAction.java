package dev.consentrelay.domain;

/** What a vendor is told to do. */
public enum CommandAction {
    /** Stop processing the listed purposes. */
    SUPPRESS,
    /** Delete what was collected (for the listed purposes, or everything when none are listed). */
    DELETE,
    /** Processing of the listed purposes is allowed again. */
    RESUME
}
