package dev.consentrelay.domain;

/** Placeholder compiled while the build is set up. */
public final class Purpose {
    private Purpose() {
    }
}
