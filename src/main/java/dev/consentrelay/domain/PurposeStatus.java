package dev.consentrelay.domain;

/** The recorded status of one purpose for one subject. */
public enum PurposeStatus {
    GRANTED, DENIED, WITHDRAWN
}
