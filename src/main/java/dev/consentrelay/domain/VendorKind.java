package dev.consentrelay.domain;

/** Whether a vendor works for us directly or for another vendor. */
public enum VendorKind {
    VENDOR, SUB_PROCESSOR
}
