package dev.consentrelay.api;

import java.util.UUID;

/** Looks up one signal's propagation status. */
public interface PropagationQueries {

    PropagationLookup find(UUID signalId);
}
