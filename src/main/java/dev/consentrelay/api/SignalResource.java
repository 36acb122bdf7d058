package dev.consentrelay.api;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.consentrelay.config.IngestConfig;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.Violation;
import dev.consentrelay.ingest.IabSignalJson;
import dev.consentrelay.ingest.ParsedSignal;
import dev.consentrelay.ingest.PublishOutcome;
import dev.consentrelay.ingest.PublishUnavailableException;
import dev.consentrelay.ingest.SignalIngest;
import dev.consentrelay.ingest.SignalJson;
import dev.consentrelay.ingest.SignalPublisher;
import dev.consentrelay.security.ApiKeys;

/**
 * The HTTP ingest of consent signals. A {@code 202} is sent only once Kafka has the record; when Kafka does not take
 * it in time the answer is {@code 503} with {@code Retry-After} (see {@link PublishUnavailableMapper}), so nothing is
 * lost silently. Repeating a {@code signalId} is safe: it is accepted once.
 */
@Path("/v1/signals")
@RolesAllowed(ApiKeys.INGEST)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Ingest", description = "Submit consent signals")
public class SignalResource {

    static final String OPT_OUT_EXAMPLE = """
            {"signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "subjectId": "subj-42",
             "identifiers": [{"type": "email_sha256",
              "value": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}],
             "kind": "OPT_OUT", "purposes": ["advertising", "sale_sharing"], "region": "US-CA",
             "source": "PREFERENCE_CENTER", "method": "toggle", "policyVersion": "2026-11-01",
             "occurredAt": "2026-11-05T14:03:00Z"}""";
    static final String LINK_EXAMPLE = """
            {"signalId": "6f1c2a4e-2b7d-4d0f-9a1e-3c5b7d9f1a2b", "subjectId": "device-7f3a", "kind": "LINK",
             "linkedSubjectId": "account-1029", "region": "US-CA",
             "source": "API", "method": "login", "occurredAt": "2026-11-05T14:05:00Z"}""";
    static final String ERRORS_EXAMPLE = """
            {"errors": [{"field": "kind", "message": "kind 'OPTOUT' is not one of OPT_IN, OPT_OUT, WITHDRAWAL, GPC,
             ERASURE, LINK"},
             {"field": "purposes", "message": "unknown purpose 'ads'; the catalogue is ..."}]}""";

    private final SignalIngest ingest;
    private final IngestConfig config;
    private final ObjectMapper mapper;
    private final SignalStatusQuery statusQuery;

    @Inject
    public SignalResource(SignalIngest ingest, IngestConfig config, ObjectMapper mapper,
            SignalStatusQuery statusQuery) {
        this.ingest = ingest;
        this.config = config;
        this.mapper = mapper;
        this.statusQuery = statusQuery;
    }

    @GET
    @Path("/{signalId}")
    @RolesAllowed(ApiKeys.READ)
    @Operation(operationId = "signalById",
            summary = "One signal by its id alone: its decision and its propagation per vendor", description = "Kept"
                    + " for existing callers; prefer /v1/subjects/{subjectId}/signals/{signalId}, the 202's Location,"
                    + " which asks one instance. This route asks the instance it reaches and, on a miss, each other"
                    + " instance in turn. state is REJECTED, DECIDED (no command to send), PROPAGATING or PROPAGATED.")
    @APIResponse(responseCode = "200", description = "The signal's decision and propagation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalStatus.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SIGNAL)))
    @APIResponse(responseCode = "400", description = "signalId is not a UUID")
    @APIResponse(responseCode = "404", description = "Unknown, still on its way, or purged after its retention")
    @APIResponse(responseCode = "503", description = "Stores rebalancing or restoring: retry after Retry-After")
    public Response status(@PathParam("signalId") String signalId, @Context UriInfo uri,
            @Context HttpHeaders headers) {
        return statusQuery.bySignal(signalId, uri, headers, SignalStatuses::of);
    }

    @POST
    @Operation(operationId = "submitSignal", summary = "Submit one consent signal",
            description = "Validated with the rules the pipeline applies;"
                    + " receivedAt is set by the server. 202 once Kafka has the record; the same signalId again is"
                    + " accepted once (answered 202 with duplicate=true, not republished). A LINK joins subjectId to"
                    + " linkedSubjectId"
                    + " (e.g. a device and the account logged in on it): from then on every refusal of either reaches"
                    + " the other as a refusal with source LINK; grants do not cross.")
    @RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.SignalRequest.class), examples = {
                            @ExampleObject(name = "opt-out", value = OPT_OUT_EXAMPLE),
                            @ExampleObject(name = "link", value = LINK_EXAMPLE)}))
    @APIResponse(responseCode = "202", description = "Kafka has the signal",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.SignalAccepted.class),
                    examples = @ExampleObject(name = "accepted",
                            value = "{\"signalId\": \"0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69\", \"duplicate\": false}")))
    @APIResponse(responseCode = "400", description = "Every invalid field and why",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ErrorBody.class),
                    examples = @ExampleObject(name = "invalid", value = ERRORS_EXAMPLE)))
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "The key lacks the ingest role")
    @APIResponse(responseCode = "503", description = "Kafka unavailable: retry after Retry-After seconds")
    public Response submit(String body) throws PublishUnavailableException {
        JsonNode node;
        try {
            node = readJson(body);
        } catch (JsonProcessingException e) {
            return refused(List.of(malformed(e)));
        }
        ParsedSignal parsed = SignalJson.parse(node, ingest.now(), Signal.Source.API);
        List<Violation> violations = ingest.violations(parsed);
        if (!violations.isEmpty()) {
            return refused(violations);
        }
        return accepted(parsed.signal(), ingest.publish(parsed.signal()));
    }

    @POST
    @Path("/batch")
    @Operation(operationId = "submitSignalBatch", summary = "Submit a batch of consent signals",
            description = "A JSON array of signals (at most"
                    + " consent-relay.ingest.batch-max-size, default 500). Answers 200 with one result per item, by"
                    + " index:"
                    + " status 202 (accepted), 400 (with its errors) or 503 (Kafka unavailable: retry that item).")
    @RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ApiContract.SignalRequest.class),
                    examples = @ExampleObject(name = "batch", value = "["
                            + OPT_OUT_EXAMPLE + "]")))
    @APIResponse(responseCode = "200", description = "One result per item", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiContract.BatchAnswer.class),
            examples = @ExampleObject(name = "results",
                    value = """
                            {"accepted": 1, "rejected": 1, "unavailable": 0, "results": [
                             {"index": 0, "status": 202, "signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69",
                              "duplicate": false},
                             {"index": 1, "status": 400, "errors": [{"field": "subjectId",
                              "message": "subjectId is required"}]}]}""")))
    @APIResponse(responseCode = "400", description = "The body is not a JSON array of signals",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "More signals than the configured maximum",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ErrorBody.class)))
    public Response submitBatch(String body) {
        JsonNode node;
        try {
            node = readJson(body);
        } catch (JsonProcessingException e) {
            return refused(List.of(malformed(e)));
        }
        if (node == null || !node.isArray() || node.isEmpty()) {
            return refused(List.of(new Violation("body", "a batch is a non-empty JSON array of signals")));
        }
        if (node.size() > config.batchMaxSize()) {
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE)
                    .entity(ErrorBody.of("body", "a batch holds at most " + config.batchMaxSize() + " signals, this"
                            + " one " + node.size() + "; split it"))
                    .build();
        }
        Instant receivedAt = ingest.now();
        List<Map<String, Object>> results = new ArrayList<>();
        List<SignalPublisher.Pending> pending = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            ParsedSignal parsed = SignalJson.parse(node.get(i), receivedAt, Signal.Source.API);
            List<Violation> violations = ingest.violations(parsed);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", i);
            if (violations.isEmpty()) {
                pending.add(ingest.start(parsed.signal()));
            } else {
                ingest.rejected(violations);
                result.put("status", 400);
                result.put("errors", violations);
                pending.add(null);
            }
            results.add(result);
        }
        int accepted = 0;
        int unavailable = 0;
        for (int i = 0; i < pending.size(); i++) {
            SignalPublisher.Pending item = pending.get(i);
            if (item == null) {
                continue;
            }
            Map<String, Object> result = results.get(i);
            try {
                PublishOutcome outcome = ingest.await(item);
                result.put("status", 202);
                result.put("signalId", item.signal().signalId());
                result.put("duplicate", outcome == PublishOutcome.DUPLICATE);
                accepted++;
            } catch (PublishUnavailableException e) {
                result.put("status", 503);
                result.put("errors", List.of(new Violation("kafka", e.getMessage())));
                unavailable++;
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted);
        answer.put("rejected", results.size() - accepted - unavailable);
        answer.put("unavailable", unavailable);
        answer.put("results", results);
        Response.ResponseBuilder response = Response.ok(answer);
        if (unavailable > 0) {
            response.header(HttpHeaders.RETRY_AFTER, PublishUnavailableMapper.retryAfterSeconds(config));
        }
        return response.build();
    }

    @POST
    @Path("/iab")
    @Operation(operationId = "submitIabString", summary = "Submit an IAB US Privacy or GPP string",
            description = "Maps the strings' opt-outs to one"
                    + " OPT_OUT signal: US Privacy 'opted out of sale' Y -> sale_sharing; GPP US National (section 7)"
                    + " SaleOptOut=1 -> sale_sharing, SharingOptOut=1 -> sale_sharing + third_party_sharing,"
                    + " TargetedAdvertisingOptOut=1 -> advertising. Strings that refuse nothing publish nothing (200).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiContract.IabSignalRequest.class), examples = {
                    @ExampleObject(name = "usp",
                            value = """
                                    {"subjectId": "subj-42", "region": "US-CA", "occurredAt": "2026-11-05T14:03:00Z",
                                     "uspString": "1YYN"}"""),
                    @ExampleObject(name = "gpp",
                            value = """
                                    {"subjectId": "subj-42", "region": "US-CA", "occurredAt": "2026-11-05T14:03:00Z",
                                     "gppString": "DBABL~BVVqAAEABgA.QA"}""")}))
    @APIResponse(responseCode = "202", description = "The opt-out signal is in Kafka", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiContract.SignalAccepted.class),
            examples = @ExampleObject(name = "accepted",
                    value = """
                            {"signalId": "1c7a0d4e-5b8f-4a2c-9e6d-3f1b2a4c5d6e", "duplicate": false,
                             "purposes": ["sale_sharing"]}""")))
    @APIResponse(responseCode = "200", description = "The strings refuse nothing; nothing was published",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.NothingPublished.class)))
    @APIResponse(responseCode = "400", description = "Every invalid field and why",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ErrorBody.class)))
    public Response submitIab(String body) throws PublishUnavailableException {
        JsonNode node;
        try {
            node = readJson(body);
        } catch (JsonProcessingException e) {
            return refused(List.of(malformed(e)));
        }
        ParsedSignal parsed = IabSignalJson.parse(node, ingest.now());
        List<Violation> violations = ingest.violations(parsed);
        if (!violations.isEmpty()) {
            return refused(violations);
        }
        Signal signal = parsed.signal();
        if (signal.purposes().isEmpty()) {
            // No purposes would mean "every purpose": never publish an opt-out the strings did not express.
            return Response.ok(new ApiContract.NothingPublished(false, List.of(),
                    "the strings express no opt-out; nothing was published")).build();
        }
        PublishOutcome outcome = ingest.publish(signal);
        return Response.accepted(new ApiContract.SignalAccepted(signal.signalId(),
                outcome == PublishOutcome.DUPLICATE, List.copyOf(signal.purposes())))
                .location(URI.create(SignalStatusQuery.location(signal.subjectId(), signal.signalId()))).build();
    }

    private JsonNode readJson(String body) throws JsonProcessingException {
        return body == null || body.isBlank() ? null : mapper.readTree(body);
    }

    static Response accepted(Signal signal, PublishOutcome outcome) {
        return Response.accepted(new ApiContract.SignalAccepted(signal.signalId(),
                outcome == PublishOutcome.DUPLICATE, null))
                .location(URI.create(SignalStatusQuery.location(signal.subjectId(), signal.signalId()))).build();
    }

    /** A 400 for a signal refused at ingest, counted by reason. */
    private Response refused(List<Violation> violations) {
        ingest.rejected(violations);
        return badRequest(violations);
    }

    static Response badRequest(List<Violation> violations) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(violations)).build();
    }

    private static Violation malformed(JsonProcessingException e) {
        return new Violation("body", "malformed JSON: " + e.getOriginalMessage());
    }
}
