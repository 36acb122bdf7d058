package dev.consentrelay.domain;

/** Deterministic command ids, so a command issued twice for the same cause is recognisable downstream. */
public final class CommandIds {

    private CommandIds() {
    }

    /** A name-based (version 3) UUID of {@code signalId|vendorId|action}. */
    public static String of(String signalId, String vendorId, Command.Action action) {
        String name = signalId + "|" + vendorId + "|" + action;
        return NameUuids.of(name);
    }
}
