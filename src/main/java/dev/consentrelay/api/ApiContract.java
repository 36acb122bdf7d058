package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.core.Application;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.servers.Server;

import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.Violation;

/**
 * The HTTP API's contract as the OpenAPI document states it: the two ways to authenticate (an API key in
 * {@code X-API-Key} or an OIDC access token), required by every operation that does not opt out, and the JSON bodies
 * the API reads and answers. The request shapes document what {@code SignalJson} and {@code IabSignalJson} parse
 * (field by field, checked by a test); the answers are what the resources send. A JAX-RS {@link Application}
 * without a path of its own, so that the OpenAPI scanner reads its definition; every resource stays where it is.
 */
@OpenAPIDefinition(info = @Info(title = "consent-relay HTTP API", version = "1", description = "Consent signals in;"
        + " consent, propagation and proof out."),
        servers = @Server(url = "/", description = "The instance serving this document"),
        // The schema names of the domain enums the requests carry, whatever the Java types are called.
        components = @Components(schemas = {
                @Schema(name = "SignalKind", implementation = Signal.Kind.class),
                @Schema(name = "SignalSource", implementation = Signal.Source.class)}),
        securitySets = {
                @SecurityRequirementsSet(@SecurityRequirement(name = ApiContract.API_KEY)),
                @SecurityRequirementsSet(@SecurityRequirement(name = ApiContract.BEARER))})
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = ApiContract.API_KEY, type = SecuritySchemeType.APIKEY,
                in = SecuritySchemeIn.HEADER, apiKeyName = "X-API-Key",
                description = "A static API key (consent-relay.api.keys.<name>.key) with the operation's role"),
        @SecurityScheme(securitySchemeName = ApiContract.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
                bearerFormat = "JWT", description = "An OIDC access token whose roles claim maps to the operation's"
                        + " role (quarkus.oidc.*, consent-relay.api.oidc.role-mapping)")})
public class ApiContract extends Application {

    /** The API-key security scheme. */
    public static final String API_KEY = "apiKey";
    /** The OIDC bearer-token security scheme. */
    public static final String BEARER = "bearer";

    /** An identifier of the subject at a vendor. */
    @Schema(name = "Identifier", requiredProperties = {"type", "value"})
    public record IdentifierJson(
            @Schema(description = "account_id, cookie_id, crm_id, device_id, email_sha256, gaid, idfa, maid or"
                    + " phone_sha256", examples = "email_sha256") String type,
            @Schema(description = "The value; a *_sha256 type takes a hex SHA-256 digest",
                    maxLength = 256) String value) {
    }

    /** One consent signal on the JSON ingest. */
    @Schema(name = "SignalRequest", requiredProperties = {"signalId", "subjectId", "kind", "occurredAt"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SignalRequest(
            @Schema(description = "A UUID the sender chooses; sending it again is an idempotent retry",
                    format = "uuid") String signalId,
            @Schema(maxLength = 256) String subjectId,
            @Schema(maxItems = 32) List<IdentifierJson> identifiers,
            @Schema(ref = "SignalKind") Signal.Kind kind,
            @Schema(description = "Purposes of the policy; all of them when absent",
                    maxItems = 64) List<String> purposes,
            @Schema(description = "ISO 3166 country or country-subdivision code", examples = "US-CA") String region,
            @Schema(ref = "SignalSource") Signal.Source source,
            @Schema(description = "How the choice was made (toggle, button, login, …)", maxLength = 128) String method,
            @Schema(maxLength = 128) String policyVersion,
            Instant occurredAt,
            @Schema(description = "With WITHDRAWAL: also erase the subject's data") Boolean erase,
            @Schema(description = "With LINK: the other subject", maxLength = 256) String linkedSubjectId) {
    }

    /** An IAB US Privacy or GPP string, turned into an opt-out signal. */
    @Schema(name = "IabSignalRequest", requiredProperties = {"subjectId", "occurredAt"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IabSignalRequest(
            @Schema(description = "A UUID; generated when absent", format = "uuid") String signalId,
            @Schema(maxLength = 256) String subjectId,
            @Schema(maxItems = 32) List<IdentifierJson> identifiers,
            @Schema(examples = "US-CA") String region,
            @Schema(ref = "SignalSource") Signal.Source source,
            @Schema(maxLength = 128) String policyVersion,
            Instant occurredAt,
            @Schema(description = "US Privacy string, e.g. 1YYN", maxLength = 4) String uspString,
            @Schema(description = "GPP string", maxLength = 4096) String gppString) {
    }

    /** A choice made on the preference centre's page. */
    @Schema(name = "PreferenceChoice", requiredProperties = "kind")
    public record PreferenceChoice(
            @Schema(description = "OPT_IN, OPT_OUT, WITHDRAWAL or GPC", type = SchemaType.STRING,
                    ref = "SignalKind") Signal.Kind kind,
            List<String> purposes,
            @Schema(description = "toggle (one purpose) or button (accept all / refuse all)") String method) {
    }

    /** A signal Kafka has. */
    @Schema(name = "SignalAccepted", requiredProperties = {"signalId", "duplicate"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SignalAccepted(String signalId, boolean duplicate,
            @Schema(description = "The purposes an IAB string refused") List<String> purposes) {
    }

    /** An IAB string that refuses nothing: nothing was published. */
    @Schema(name = "NothingPublished")
    public record NothingPublished(boolean published, List<String> purposes, String message) {
    }

    /** The answer to a batch: one result per item, in order. */
    @Schema(name = "BatchAnswer")
    public record BatchAnswer(int accepted, int rejected, int unavailable, List<BatchItem> results) {
    }

    /** One item of a batch: 202 with its signal id, 400 with its errors, or 503. */
    @Schema(name = "BatchItem", requiredProperties = {"index", "status"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItem(int index, int status, String signalId, Boolean duplicate, List<Violation> errors) {
    }

    /** A GPC signal the capture published. */
    @Schema(name = "GpcCaptured", requiredProperties = "signalId")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GpcCaptured(String signalId, @Schema(description = "When a trusted proxy named it") String region) {
    }

    /** The site's GPC support resource. */
    @Schema(name = "GpcSupport")
    public record GpcSupport(boolean gpc, String lastUpdate) {
    }

    /** A signed preference-centre link. */
    @Schema(name = "PreferenceLink")
    public record PreferenceLink(@Schema(description = "Path and query of the page, to append to the service's"
            + " public address") String path, Instant expiresAt) {
    }

    /** A signal published for the preference centre. */
    @Schema(name = "SignalPublished")
    public record SignalPublished(String signalId) {
    }

    /** Why a request was not answered: a machine-readable error and a message saying what to do. */
    @Schema(name = "Problem", requiredProperties = {"error", "message"})
    public record Problem(String error, String message) {
    }

    /** A vendor definition that cannot be stored, with every problem. */
    @Schema(name = "VendorProblems")
    public record VendorProblems(String error, List<String> problems) {
    }
}
