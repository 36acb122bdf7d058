package dev.consentrelay.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.topology.PropagationLedger;
import dev.consentrelay.topology.StoreNames;

/**
 * Answers {@code GET /v1/signals/{signalId}} from the tracking task of the signal, which holds both its decision
 * ({@link StoreNames#SIGNAL_DECISIONS}) and its commands ({@link StoreNames#PENDING_COMMANDS}); a signal another
 * instance holds is asked of that instance.
 */
@ApplicationScoped
public class SignalStatusQuery {

    @Inject
    InteractiveQueries queries;

    @Inject
    QueryForwarder forwarder;

    public Response answer(String signalId, UriInfo uri, HttpHeaders headers) {
        if (!isCanonicalUuid(signalId)) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "bad_request", "message", "signalId must be a UUID in its canonical"
                            + " form (8-4-4-4-12 hexadecimal digits), got '" + signalId + "'"))
                    .build();
        }
        QueryResult<SignalStatus> result = queries.byKeyInPartition(StoreNames.SIGNAL_DECISIONS, signalId,
                partition -> read(signalId, partition));
        return forwarder.answer(result, status -> Response.ok(status).type(MediaType.APPLICATION_JSON).build(),
                "No decision recorded for signal " + signalId + ": unknown, still on its way (retry shortly after a"
                        + " 202), or purged after its retention",
                uri, headers, queries.self().host() + ":" + queries.self().port());
    }

    private SignalStatus read(String signalId, int partition) {
        ReadOnlyKeyValueStore<String, AuditEvent> decisions = queries.store(StoreNames.SIGNAL_DECISIONS, partition);
        ReadOnlyKeyValueStore<String, PendingCommand> pending = queries.store(StoreNames.PENDING_COMMANDS,
                partition);
        List<PendingCommand> entries = new ArrayList<>();
        try (KeyValueIterator<String, PendingCommand> it = pending.prefixScan(PropagationLedger.prefix(signalId),
                new StringSerializer())) {
            it.forEachRemaining(kv -> entries.add(kv.value));
        }
        return SignalStatuses.of(signalId, decisions.get(signalId), entries);
    }

    static boolean isCanonicalUuid(String value) {
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
