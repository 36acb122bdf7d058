package dev.consentrelay.domain;

/** Where a consent signal was captured. */
public enum SignalSource {
    WEB_BANNER, PREFERENCE_CENTER, EMAIL_UNSUBSCRIBE, BROWSER_GPC, API, CRM_IMPORT, SUPPORT,
    /** A refusal that crossed a link from a linked subject. */
    LINK
}
