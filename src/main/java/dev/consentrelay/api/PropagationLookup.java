package dev.consentrelay.api;

/** What a propagation status query found; the REST layer maps each case to a response, knowing nothing of Kafka. */
public sealed interface PropagationLookup {

    /** The signal's entries are held by this instance. */
    record Found(PropagationStatus status) implements PropagationLookup {
    }

    /** The signal belongs to a partition another instance holds. */
    record NotLocal(String host) implements PropagationLookup {
    }

    /** No command is tracked for the signal (unknown, caused no command, or purged after retention). */
    record NotFound() implements PropagationLookup {
    }

    /** The store cannot be queried now (starting, rebalancing, restoring); worth retrying shortly. */
    record Unavailable(String reason) implements PropagationLookup {
    }
}
