package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.topology.StoreNames;
import dev.consentrelay.topology.SubjectAuditTrail;
import dev.consentrelay.topology.VendorDirectory;

/**
 * A subject's consent and proof report, read from the Kafka Streams stores of whichever instance owns the subject.
 * Requires the {@code read} role.
 */
@Path("/v1/subjects/{subjectId}")
@Tag(name = "Queries", description = "Consent and proof per subject")
public class SubjectResource {

    private final InteractiveQueries queries;
    private final QueryForwarder forwarder;
    private final SignalStatusQuery signals;
    private final Policy policy;
    private final VendorDirectory vendors;
    private final SubjectAuditTrail auditTrail;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @Inject
    public SubjectResource(InteractiveQueries queries, QueryForwarder forwarder, SignalStatusQuery signals,
            Policy policy, VendorDirectory vendors, SubjectAuditTrail auditTrail) {
        this.queries = queries;
        this.forwarder = forwarder;
        this.signals = signals;
        this.policy = policy;
        this.vendors = vendors;
        this.auditTrail = auditTrail;
    }

    /** Current state and effective permission per purpose in the subject's region. */
    @Operation(operationId = "subjectConsent",
            summary = "A subject's consent: recorded state and effective permission per purpose in its region")
    @APIResponse(responseCode = "200", description = "The subject's consent",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ConsentView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.CONSENT)))
    @APIResponse(responseCode = "404", description = "No consent record for the subject",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.Problem.class),
                    examples = @ExampleObject(name = "not-found", value = ApiExamples.NOT_FOUND)))
    @APIResponse(responseCode = "503", description = "Stores rebalancing or restoring: retry after Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.Problem.class),
                    examples = @ExampleObject(name = "unavailable", value = ApiExamples.UNAVAILABLE)))
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
    @RolesAllowed("read")
    @GET
    @Path("consent")
    @Produces(MediaType.APPLICATION_JSON)
    public Response consent(@PathParam("subjectId") String subjectId) {
        QueryResult<SubjectConsentState> result = queries.consentState(subjectId);
        return answer(result, subjectId, state -> {
            SubjectConsent consent = AvroMapper.toDomain(state);
            Instant now = Instant.now();
            return Response.ok(ConsentView.of(consent, new PolicyEngine(policy).permissions(consent, now), now))
                    .type(MediaType.APPLICATION_JSON).build();
        });
    }

    /** One signal of the subject: its decision and its propagation per vendor. */
    @Operation(operationId = "subjectSignal",
            summary = "One signal of a subject: its decision and its propagation per vendor", description = "The"
                    + " address a 202 gives in Location; answered by the instance owning the subject, wherever the"
                    + " request lands. state is REJECTED, DECIDED (no command to send), PROPAGATING or PROPAGATED.")
    @APIResponse(responseCode = "200", description = "The signal's decision and propagation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalStatus.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SIGNAL)))
    @APIResponse(responseCode = "400", description = "signalId is not a UUID")
    @APIResponse(responseCode = "404",
            description = "Unknown for this subject, still on its way, or purged after its retention")
    @APIResponse(responseCode = "503", description = "Stores rebalancing or restoring: retry after Retry-After")
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
    @RolesAllowed("read")
    @GET
    @Path("signals/{signalId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response signal(@PathParam("subjectId") String subjectId, @PathParam("signalId") String signalId) {
        return signals.bySubject(subjectId, signalId, uri, headers, SignalStatuses::of);
    }

    /** The proof report, as JSON or (with {@code Accept: text/html} or {@code ?format=html}) printable HTML. */
    @Operation(operationId = "subjectProof",
            summary = "The proof report: every signal, decision, command, acknowledgement and legal deadline"
                    + " (JSON or HTML)")
    @APIResponse(responseCode = "200",
            description = "The proof report; text/html with Accept: text/html or ?format=html",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ProofReport.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.PROOF)))
    @APIResponse(responseCode = "404", description = "No audit trail for the subject")
    @APIResponse(responseCode = "503", description = "Stores rebalancing or restoring: retry after Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.Problem.class),
                    examples = @ExampleObject(name = "unavailable", value = ApiExamples.UNAVAILABLE)))
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
    @RolesAllowed("read")
    @GET
    @Path("proof")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Response proof(@PathParam("subjectId") String subjectId, @QueryParam("format") String format) {
        QueryResult<List<AuditEvent>> result = queries.<byte[], List<AuditEvent>>byKey(StoreNames.SUBJECT_AUDIT,
                subjectId, store -> {
                    List<AuditEvent> trail = auditTrail.read(store, subjectId);
                    return trail.isEmpty() ? null : trail;
                });
        return answer(result, subjectId, trail -> {
            Map<String, Vendor> byId = new TreeMap<>();
            vendors.all().forEach(v -> byId.put(v.vendorId(), v));
            ProofReport report = ProofReport.of(subjectId, trail, byId, Instant.now());
            if (wantsHtml(format)) {
                return Response.ok(ProofHtml.render(report)).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                        .build();
            }
            return Response.ok(report).type(MediaType.APPLICATION_JSON).build();
        });
    }

    private boolean wantsHtml(String format) {
        if (format != null) {
            return "html".equalsIgnoreCase(format);
        }
        List<MediaType> accepted = headers.getAcceptableMediaTypes();
        return !accepted.isEmpty() && accepted.get(0).isCompatible(MediaType.TEXT_HTML_TYPE)
                && !accepted.get(0).isWildcardType();
    }

    private <T> Response answer(QueryResult<T> result, String subjectId, java.util.function.Function<T, Response> ok) {
        return forwarder.answer(result, ok, "No consent record for subject " + subjectId, uri, headers,
                queries.self().host() + ":" + queries.self().port());
    }
}
