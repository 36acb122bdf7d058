package dev.consentrelay.api;

/** Where the answer to an interactive query is: here, on another instance, nowhere, or not yet knowable. */
public sealed interface QueryResult<T> {

    /** Found in a store of this instance. */
    record Found<T>(T value) implements QueryResult<T> {
    }

    /** The key lives on another instance, which answers for it. */
    record Elsewhere<T>(String host, int port) implements QueryResult<T> {
    }

    /** No such key. */
    record NotFound<T>() implements QueryResult<T> {
    }

    /** The stores are rebalancing or restoring: ask again shortly. */
    record Unavailable<T>(String reason) implements QueryResult<T> {
    }
}
