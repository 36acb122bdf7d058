package dev.consentrelay.domain;

/** What a consent signal asks for. */
public enum SignalKind {
    /** Grants the listed purposes; needs purposes and an affirmative method. */
    OPT_IN,
    /** Refuses the listed purposes, or all purposes when none are listed. */
    OPT_OUT,
    /** Withdraws earlier grants for the listed purposes (or all); may also ask vendors to erase. */
    WITHDRAWAL,
    /** A browser's Global Privacy Control signal: denies the region's GPC purposes. */
    GPC,
    /** The right to deletion: every vendor is told to delete, a suppression record is kept. */
    ERASURE,
    /**
     * Joins the subject to {@code linkedSubjectId} (e.g. a device and the account logged in on it): from then on a
     * refusal of either reaches the other, as a refusal with source {@code LINK}. Changes no status by itself.
     */
    LINK;

    /** Whether this kind refuses processing; on equal event times a refusal wins over a grant. */
    public boolean isRefusal() {
        return this != OPT_IN && this != LINK;
    }
}
