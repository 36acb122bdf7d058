package dev.consentrelay.api;

import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.consentrelay.security.ApiKeys;

/**
 * Where one signal's commands stand at each vendor: pending, applied, failed; attempts and latency. Asked of an
 * instance that does not hold the signal, it forwards the request to the one that does.
 */
@Path("/v1/signals/{signalId}/propagation")
@Tag(name = "Queries", description = "Consent and proof per subject")
@RolesAllowed(ApiKeys.READ)
@Produces(MediaType.APPLICATION_JSON)
public class PropagationResource {

    /** Seconds a client should wait before asking again while the store is not queryable. */
    static final String RETRY_AFTER_SECONDS = "2";

    @Inject
    PropagationQueries queries;

    /** Asks the owner when another instance holds the signal; {@code null} outside the application (503 then). */
    @Inject
    QueryForwarder forwarder;

    @ConfigProperty(name = "kafka-streams.application.server", defaultValue = "")
    String self;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public PropagationResource() {
    }

    PropagationResource(PropagationQueries queries) {
        this.queries = queries;
    }

    @Operation(summary = "Where one signal's commands stand at each vendor")
    @APIResponse(responseCode = "200", description = "Per vendor: status, attempts, latency, deadline", content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "example", value = ApiExamples.PROPAGATION)))
    @APIResponse(responseCode = "400", description = "signalId is not a UUID")
    @APIResponse(responseCode = "404", description = "No command is tracked for the signal")
    @APIResponse(responseCode = "503", description = "Store not queryable: retry after Retry-After")
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
    @GET
    public Response get(@PathParam("signalId") String signalId) {
        UUID id = parse(signalId);
        if (id == null) {
            return error(Response.Status.BAD_REQUEST, "Not a UUID: " + signalId);
        }
        PropagationLookup lookup = queries.find(id);
        if (lookup instanceof PropagationLookup.Found found) {
            return Response.ok(found.status()).build();
        }
        if (lookup instanceof PropagationLookup.NotFound) {
            return error(Response.Status.NOT_FOUND, "No command is tracked for signal " + id
                    + ": unknown signal, a signal that caused no command, or one purged after its retention");
        }
        if (lookup instanceof PropagationLookup.NotLocal notLocal && forwarder != null) {
            int colon = notLocal.host().lastIndexOf(':');
            return forwarder.forward(notLocal.host().substring(0, colon),
                    Integer.parseInt(notLocal.host().substring(colon + 1)), uri, headers, self);
        }
        if (lookup instanceof PropagationLookup.NotLocal notLocal) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", "Signal " + id + " is tracked by another instance (" + notLocal.host()
                            + "); ask that instance"))
                    .build();
        }
        String reason = lookup instanceof PropagationLookup.Unavailable unavailable ? unavailable.reason() : "";
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(Map.of("error", "Propagation status is not queryable right now (" + reason
                        + "); retry shortly"))
                .build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).build();
    }

    /** The UUID in its canonical form only, so each signal has one address. */
    private static UUID parse(String value) {
        try {
            UUID id = UUID.fromString(value);
            return id.toString().equalsIgnoreCase(value) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
