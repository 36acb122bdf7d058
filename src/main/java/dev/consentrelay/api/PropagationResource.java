package dev.consentrelay.api;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.security.ApiKeys;

/**
 * Where one signal's commands stand at each vendor: pending, applied, failed; attempts and latency. Found like
 * {@code GET /v1/signals/{signalId}}: on the instance asked, else on the other instances in turn.
 */
@Path("/v1/signals/{signalId}/propagation")
@Tag(name = "Queries", description = "Consent and proof per subject")
@RolesAllowed(ApiKeys.READ)
@Produces(MediaType.APPLICATION_JSON)
public class PropagationResource {

    private final SignalStatusQuery signals;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @Inject
    public PropagationResource(SignalStatusQuery signals) {
        this.signals = signals;
    }

    @Operation(operationId = "signalPropagation", summary = "Where one signal's commands stand at each vendor")
    @APIResponse(responseCode = "200", description = "Per vendor: status, attempts, latency, deadline",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PropagationStatus.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.PROPAGATION)))
    @APIResponse(responseCode = "400", description = "signalId is not a UUID")
    @APIResponse(responseCode = "404", description = "Unknown signal, or purged after its retention")
    @APIResponse(responseCode = "503", description = "Store not queryable: retry after Retry-After")
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
    @GET
    public Response get(@PathParam("signalId") String signalId) {
        return signals.bySignal(signalId, uri, headers, PropagationResource::status);
    }

    static PropagationStatus status(SignalPropagation entry) {
        return PropagationStatuses.of(entry.getSignalId(), entry.getCommands());
    }
}
