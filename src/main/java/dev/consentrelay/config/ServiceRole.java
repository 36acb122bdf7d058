package dev.consentrelay.config;

import java.util.Locale;

/**
 * What this process runs, from {@code consent-relay.role}: the same artifact can run the Kafka Streams processor and
 * the vendor connectors together, or be deployed twice with one role each.
 */
public enum ServiceRole {
    /** The processor and the connectors in one process (the default). */
    ALL,
    /** The Kafka Streams processor only. */
    PROCESSOR,
    /** The vendor connectors only; Kafka Streams does not start. */
    CONNECTOR;

    /** The configuration property holding the role. */
    public static final String PROPERTY = "consent-relay.role";

    /**
     * Parses a configured value: exactly {@code all}, {@code processor} or {@code connector} (lower case, as the
     * topology's lookup condition compares the raw value).
     */
    public static ServiceRole parse(String value) {
        for (ServiceRole role : values()) {
            if (role.name().toLowerCase(Locale.ROOT).equals(value.trim())) {
                return role;
            }
        }
        throw new IllegalArgumentException(PROPERTY + " must be all, processor or connector, not " + value);
    }

    /** Whether the Kafka Streams processor runs in this role. */
    public boolean runsProcessor() {
        return this != CONNECTOR;
    }

    /** Whether the vendor connectors run in this role. */
    public boolean runsConnectors() {
        return this != PROCESSOR;
    }
}
