package dev.consentrelay.topology;

import java.time.Duration;
import java.util.Map;

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

    /**
     * A person's choice took effect for one purpose. Every label is bounded: a purpose of the policy's catalogue, a
     * region as the policy groups it ({@link dev.consentrelay.domain.Policy#regionLabel}), a signal source.
     *
     * @param choice {@code granted}, {@code refused}, {@code withdrawn}, {@code gpc} or {@code expired}
     */
    default void choice(String purpose, String region, String source, String choice) {
    }

    /** A signal was refused before the consent table; {@code reason} is a signal field or a fixed category. */
    default void rejected(String reason) {
    }

    /** A command was issued; {@code decisionLatency} runs from the signal's receipt to the issue. */
    default void commandIssued(String vendorId, String action, Duration decisionLatency) {
    }

    /** A vendor's final acknowledgement was matched to its command. */
    default void ackReceived(String vendorId, String status) {
    }

    /** A command was acknowledged; {@code latency} runs from the signal's receipt to the vendor's answer. */
    default void propagated(String vendorId, String action, Duration latency) {
    }

    /** A command passed its deadline without a final acknowledgement (reported once per command). */
    default void slaBreach(String vendorId, String action) {
    }

    /**
     * The commands one tracking task holds pending, per vendor, replacing what that task reported before. Vendors
     * absent from {@code byVendor} have nothing pending in that task. The service sums counts and takes the oldest
     * age across tasks.
     *
     * @param owner the reporting task, stable while it runs
     */
    default void pendingCommands(String owner, Map<String, Pending> byVendor) {
    }

    /** A tracking task closed (moved to another instance): forget what it reported. */
    default void pendingReleased(String owner) {
    }

    /**
     * Pending commands of one vendor in one task.
     *
     * @param count commands without a final acknowledgement
     * @param oldestAge age of the oldest of them, from its signal's receipt
     */
    record Pending(long count, Duration oldestAge) {
    }
}
