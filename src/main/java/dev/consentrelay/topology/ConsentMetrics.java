package dev.consentrelay.topology;

import java.time.Duration;

/** What the topology reports for monitoring. The service binds it to Micrometer; tests may count calls. */
public interface ConsentMetrics {

    /** Does nothing. */
    ConsentMetrics NONE = new ConsentMetrics() {
    };

    /** A record went to the dead-letter topic; {@code category} is a short, fixed reason class. */
    default void deadLetter(String category) {
    }

    /** A signal was decided with this outcome. */
    default void decision(String outcome) {
    }

    /** A command was issued; {@code decisionLatency} runs from the signal's receipt to the issue. */
    default void commandIssued(String vendorId, String action, Duration decisionLatency) {
    }
}
