package dev.consentrelay.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.config.PrivacyConfig;
import dev.consentrelay.domain.Permission;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.PolicyEngine;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.Violation;
import dev.consentrelay.ingest.PublishUnavailableException;
import dev.consentrelay.ingest.SignalIngest;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.security.ApiKeys;

/**
 * What the reference preference centre ({@code /preferences/}) calls. A page acts for the one subject its signed link
 * names ({@code s}, {@code e}, {@code t}: see {@link PreferenceLinks}); a forged or expired link is refused, and a
 * subject id cannot be guessed into a page. The link itself is issued by the platform (role {@code ingest}), e.g. into
 * an e-mail, as unsubscribe links are.
 */
@Path("/v1/preferences")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Preference centre", description = "The reference preference centre's API, authorized by a signed link")
public class PreferenceResource {

    /** The kinds a person can send from the page. */
    static final Set<Signal.Kind> PAGE_KINDS = Set.of(Signal.Kind.OPT_IN, Signal.Kind.OPT_OUT, Signal.Kind.WITHDRAWAL,
            Signal.Kind.GPC);
    static final Duration DEFAULT_TTL = Duration.ofDays(7);
    static final Duration MAX_TTL = Duration.ofDays(90);

    static final String VIEW_EXAMPLE = """
            {"subjectId": "subj-42", "policyVersion": "2026-11-01", "region": "EU", "gpcActive": false,
             "expiresAt": "2026-12-10T09:00:00Z", "purposes": [{"purpose": "analytics",
             "description": "Measuring how our site and e-mails are used, to improve them", "model": "OPT_IN",
             "allowed": false, "status": null}]}""";

    private final InteractiveQueries queries;
    private final QueryForwarder forwarder;
    private final SignalStatusQuery signals;
    private final Policy policy;
    private final SignalIngest ingest;
    private final PrivacyConfig privacy;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    private volatile PreferenceLinks links;

    @Inject
    public PreferenceResource(InteractiveQueries queries, QueryForwarder forwarder, SignalStatusQuery signals,
            Policy policy, SignalIngest ingest, PrivacyConfig privacy) {
        this.queries = queries;
        this.forwarder = forwarder;
        this.signals = signals;
        this.policy = policy;
        this.ingest = ingest;
        this.privacy = privacy;
    }

    @POST
    @Path("links")
    @RolesAllowed(ApiKeys.INGEST)
    @Operation(operationId = "issuePreferenceLink",
            summary = "Issue a signed, expiring preference-centre link for one subject", description = "ttl is an"
                    + " ISO-8601 duration, default P7D, at most P90D. The page opens at the returned path on this"
                    + " service.")
    @APIResponse(responseCode = "200", description = "The link", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiContract.PreferenceLink.class),
            examples = @ExampleObject(name = "link",
                    value = "{\"path\": \"/preferences/?s=subj-42&e=1796374800&t=Qm9...\","
                            + " \"expiresAt\": \"2026-12-10T09:00:00Z\"}")))
    @APIResponse(responseCode = "400", description = "No subjectId, or a ttl that is not a duration within bounds")
    public Response link(@QueryParam("subjectId") String subjectId, @QueryParam("ttl") String ttl) {
        if (subjectId == null || subjectId.isBlank() || subjectId.length() > 256) {
            return SignalResource.badRequest(List.of(new Violation("subjectId", "subjectId is required (at most"
                    + " 256 characters)")));
        }
        Duration lifetime;
        try {
            lifetime = ttl == null ? DEFAULT_TTL : Duration.parse(ttl);
        } catch (DateTimeParseException e) {
            return SignalResource.badRequest(List.of(new Violation("ttl", "ttl '" + ttl + "' is not an ISO-8601"
                    + " duration such as P7D or PT12H")));
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_TTL) > 0) {
            return SignalResource.badRequest(List.of(new Violation("ttl", "ttl must be positive and at most "
                    + MAX_TTL.toDays() + " days")));
        }
        Instant expiresAt = Instant.now().plus(lifetime);
        PreferenceLinks.Link link = links().sign(subjectId, expiresAt);
        return Response.ok(new ApiContract.PreferenceLink(link.path(), Instant.ofEpochSecond(link.expiresAt())))
                .build();
    }

    @GET
    @PermitAll
    @SecurityRequirements
    @Operation(operationId = "preferenceView", summary = "The subject's choices as the preference centre shows them",
            description = "Every purpose of"
                    + " the policy with its plain-language description, model and current permission, the policy"
                    + " version and GPC state; answered by the instance owning the subject.")
    @APIResponse(responseCode = "200", description = "The page's view",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PreferenceView.class),
                    examples = @ExampleObject(name = "view", value = VIEW_EXAMPLE)))
    @APIResponse(responseCode = "403", description = "Forged or expired link")
    public Response view(@QueryParam("s") String subjectId, @QueryParam("e") String expiresAt,
            @QueryParam("t") String token) {
        Response refused = check(subjectId, expiresAt, token);
        if (refused != null) {
            return refused;
        }
        QueryResult<SubjectConsentState> result = queries.consentState(subjectId);
        long expiry = Long.parseLong(expiresAt);
        if (result instanceof QueryResult.NotFound<SubjectConsentState>) {
            return Response.ok(render(SubjectConsent.empty(subjectId), expiry)).build();
        }
        return forwarder.answer(result, state -> Response.ok(render(AvroMapper.toDomain(state), expiry)).build(),
                "", uri, headers, queries.self().host() + ":" + queries.self().port());
    }

    @POST
    @Path("signals")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @SecurityRequirements
    @Operation(operationId = "recordPreferenceChoice", summary = "Record a choice made on the page",
            description = "kind is OPT_IN, OPT_OUT, WITHDRAWAL or GPC"
                    + " (the browser's Global Privacy Control); purposes from the policy. Published for the link's"
                    + " subject with source PREFERENCE_CENTER (BROWSER_GPC for GPC).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiContract.PreferenceChoice.class),
            examples = @ExampleObject(name = "withdraw",
                    value = "{\"kind\": \"WITHDRAWAL\", \"purposes\": [\"analytics\"], \"method\": \"toggle\"}")))
    @APIResponse(responseCode = "202", description = "Published",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.SignalPublished.class),
                    examples = @ExampleObject(name = "accepted",
                            value = "{\"signalId\": \"0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69\"}")))
    @APIResponse(responseCode = "400", description = "Not a choice the page can make")
    @APIResponse(responseCode = "403", description = "Forged or expired link")
    public Response choose(@QueryParam("s") String subjectId, @QueryParam("e") String expiresAt,
            @QueryParam("t") String token, JsonNode body) throws PublishUnavailableException {
        Response refused = check(subjectId, expiresAt, token);
        if (refused != null) {
            return refused;
        }
        Signal.Kind kind = null;
        String kindText = body == null ? null : body.path("kind").asText(null);
        try {
            kind = kindText == null ? null : Signal.Kind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            kind = null;
        }
        if (kind == null || !PAGE_KINDS.contains(kind)) {
            return SignalResource.badRequest(List.of(new Violation("kind", "kind is one of OPT_IN, OPT_OUT,"
                    + " WITHDRAWAL, GPC")));
        }
        Set<String> purposes = new HashSet<>();
        body.path("purposes").forEach(p -> purposes.add(p.asText()));
        String method = kind == Signal.Kind.GPC
                ? "navigator.globalPrivacyControl"
                : "button".equals(body.path("method").asText()) ? "button" : "toggle";
        Instant now = ingest.now();
        Signal signal = new Signal(UUID.randomUUID().toString(), subjectId, List.of(), kind, purposes,
                null, kind == Signal.Kind.GPC ? Signal.Source.BROWSER_GPC : Signal.Source.PREFERENCE_CENTER, method,
                policy.version(), now, now, false);
        List<Violation> violations = ingest.violations(signal);
        if (!violations.isEmpty()) {
            ingest.rejected(violations);
            return SignalResource.badRequest(violations);
        }
        ingest.publish(signal);
        return Response.accepted(new ApiContract.SignalPublished(signal.signalId())).build();
    }

    @GET
    @Path("signals/{signalId}")
    @PermitAll
    @SecurityRequirements
    @Operation(operationId = "preferenceChoiceStatus",
            summary = "Where a choice made on the page went: its decision and each partner's acknowledgement")
    @APIResponse(responseCode = "200", description = "The signal's status",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalStatus.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SIGNAL)))
    @APIResponse(responseCode = "403", description = "Forged or expired link")
    @APIResponse(responseCode = "404", description = "Still on its way")
    public Response signal(@QueryParam("s") String subjectId, @QueryParam("e") String expiresAt,
            @QueryParam("t") String token, @PathParam("signalId") String signalId) {
        Response refused = check(subjectId, expiresAt, token);
        if (refused != null) {
            return refused;
        }
        return signals.bySubject(subjectId, signalId, uri, headers, SignalStatuses::of);
    }

    private Response check(String subjectId, String expiresAt, String token) {
        String problem = links().problem(subjectId, expiresAt, token, Instant.now());
        return problem == null
                ? null
                : Response.status(Response.Status.FORBIDDEN)
                        .entity(new ApiContract.Problem("forbidden", problem)).type(MediaType.APPLICATION_JSON).build();
    }

    private PreferenceView render(SubjectConsent consent, long expiresAt) {
        Map<String, Permission> permissions = new PolicyEngine(policy).permissions(consent, Instant.now());
        List<PreferenceView.Purpose> purposes = new ArrayList<>();
        for (String purpose : policy.purposes()) {
            Permission permission = permissions.get(purpose);
            Policy.Model model = permission != null ? permission.model() : policy.model(consent.region(), purpose);
            purposes.add(new PreferenceView.Purpose(purpose, PurposeDescriptions.of(purpose), model.name(),
                    permission != null && permission.allowed(),
                    consent.purpose(purpose).map(p -> p.status().name()).orElse(null)));
        }
        return new PreferenceView(consent.subjectId(), policy.version(), consent.region(), consent.isGpcActive(),
                Instant.ofEpochSecond(expiresAt).toString(), purposes);
    }

    private PreferenceLinks links() {
        PreferenceLinks current = links;
        if (current == null) {
            String key = privacy.identifierKey().orElseThrow(() -> new IllegalStateException(
                    "consent-relay.privacy.identifier-key is not set: preference links are signed with a key"
                            + " derived from it"));
            current = new PreferenceLinks(key.getBytes(StandardCharsets.UTF_8));
            links = current;
        }
        return current;
    }
}
