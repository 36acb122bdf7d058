package dev.consentrelay.api;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.vertx.core.http.HttpServerRequest;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import dev.consentrelay.config.IngestConfig;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.Violation;
import dev.consentrelay.ingest.GpcCapture;
import dev.consentrelay.ingest.PublishOutcome;
import dev.consentrelay.ingest.PublishUnavailableException;
import dev.consentrelay.ingest.RequestLimiter;
import dev.consentrelay.ingest.SignalIngest;
import dev.consentrelay.ingest.TrustedProxies;

/**
 * Global Privacy Control capture for browsers and edge workers (no API key: the browser itself calls these). Only
 * {@code Sec-GPC: 1} counts, as the W3C GPC specification says; otherwise nothing is published and the answer is
 * {@code 204}.
 */
@Path("/")
@PermitAll
@SecurityRequirements
@Tag(name = "Global Privacy Control", description = "Capture the Sec-GPC browser header")
public class GpcResource {

    private static final Logger LOG = Logger.getLogger(GpcResource.class);
    /** A 1x1 transparent GIF. */
    private static final byte[] PIXEL = Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    private static final String NO_STORE = "no-store";
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private static final int MAX_LIMITED_KEYS = 100_000;

    private final SignalIngest ingest;
    private final IngestConfig.Gpc config;
    private final String wellKnown;
    private final TrustedProxies proxies;
    private final RequestLimiter perClient;
    private final RequestLimiter perSubject;

    @Inject
    public GpcResource(SignalIngest ingest, IngestConfig config) {
        this.ingest = ingest;
        this.config = config.gpc();
        this.wellKnown = "{\"gpc\": true, \"lastUpdate\": \"" + config.gpc().lastUpdate() + "\"}";
        this.proxies = config.gpc().trustedProxies().map(TrustedProxies::of).orElse(TrustedProxies.none());
        this.perClient = new RequestLimiter(config.gpc().rateLimitPerClient(), Duration.ofMinutes(1),
                MAX_LIMITED_KEYS, Clock.systemUTC());
        this.perSubject = new RequestLimiter(config.gpc().rateLimitPerSubject(), Duration.ofMinutes(1),
                MAX_LIMITED_KEYS, Clock.systemUTC());
    }

    /** What a GPC request asks for: nothing, a signal, or a refusal to answer as is. */
    private sealed interface Capture {
        record None() implements Capture {
        }

        record Refused(Response response) implements Capture {
        }

        record Captured(Signal signal) implements Capture {
        }
    }

    @POST
    @Path("v1/gpc")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "captureGpc", summary = "Capture a browser's Global Privacy Control header",
            description = "With Sec-GPC: 1, publishes"
                    + " a GPC signal for the subject (from the configured header, cookie or query parameter) in the"
                    + " region of"
                    + " the configured geo headers, and answers 202 once Kafka has it. Without the header, or any"
                    + " other value,"
                    + " nothing happens: 204.")
    @Parameter(name = GpcCapture.HEADER, in = ParameterIn.HEADER, description = "1 when GPC is on", example = "1",
            schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "202", description = "A GPC signal was published", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiContract.GpcCaptured.class),
            examples = @ExampleObject(name = "captured", value = "{\"signalId\": \"9a0e...\", \"region\": \"US-CA\"}")))
    @APIResponse(responseCode = "204", description = "No GPC preference in the request; nothing published")
    @APIResponse(responseCode = "400", description = "Sec-GPC: 1 but no subject id in the request")
    @APIResponse(responseCode = "503", description = "Kafka unavailable: retry after Retry-After seconds")
    @APIResponse(responseCode = "429",
            description = "Too many GPC requests from the client or for the subject: retry after Retry-After seconds")
    public Response capture(@Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest request)
            throws PublishUnavailableException {
        return answer(read(headers, uri, request), gpc -> {
            PublishOutcome outcome = ingest.publish(gpc);
            LOG.debugf("GPC signal %s for subject %s in region %s: %s", gpc.signalId(), gpc.subjectId(),
                    gpc.region(), outcome);
            return Response.accepted(gpc.region() == null
                    ? new ApiContract.GpcCaptured(gpc.signalId(), null)
                    : new ApiContract.GpcCaptured(gpc.signalId(), gpc.region()))
                    .location(URI.create(SignalStatusQuery.location(gpc.subjectId(), gpc.signalId())))
                    .header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
        });
    }

    @GET
    @Path("v1/gpc")
    @Produces({"image/gif", MediaType.APPLICATION_JSON})
    @Operation(operationId = "captureGpcBeacon", summary = "Capture Global Privacy Control from a beacon (pixel form)",
            description = "Like POST, for"
                    + " <img> beacons and edge workers: a 1x1 transparent GIF when a GPC signal was published, 204"
                    + " when the request carries no GPC preference.")
    @Parameter(name = GpcCapture.HEADER, in = ParameterIn.HEADER, description = "1 when GPC is on", example = "1",
            schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "200", description = "GPC signal published; a 1x1 transparent GIF",
            content = @Content(mediaType = "image/gif"))
    @APIResponse(responseCode = "204", description = "No GPC preference in the request; nothing published")
    @APIResponse(responseCode = "400", description = "Sec-GPC: 1 but no subject id in the request")
    @APIResponse(responseCode = "429",
            description = "Too many GPC requests from the client or for the subject: retry after Retry-After seconds")
    public Response pixel(@Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest request)
            throws PublishUnavailableException {
        return answer(read(headers, uri, request), gpc -> {
            ingest.publish(gpc);
            return Response.ok(PIXEL, "image/gif").header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
        });
    }

    /** What publishing a captured signal answers. */
    @FunctionalInterface
    private interface Publish {
        Response publish(Signal gpc) throws PublishUnavailableException;
    }

    /** The refusal, {@code 204} when the request carries no GPC preference, else what {@code publish} answers. */
    private static Response answer(Capture capture, Publish publish) throws PublishUnavailableException {
        if (capture instanceof Capture.Refused refused) {
            return refused.response();
        }
        if (capture instanceof Capture.Captured captured) {
            return publish.publish(captured.signal());
        }
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    @GET
    @Path(".well-known/gpc.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "gpcSupport", summary = "The site's GPC support resource",
            description = "Per the GPC specification:"
                    + " {\"gpc\": true, \"lastUpdate\": \"YYYY-MM-DD\"}; lastUpdate from"
                    + " consent-relay.ingest.gpc.last-update.")
    @APIResponse(responseCode = "200", description = "GPC is honoured",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.GpcSupport.class),
                    examples = @ExampleObject(name = "gpc", value = "{\"gpc\": true, \"lastUpdate\": \"2026-11-01\"}")))
    public Response wellKnown() {
        return Response.ok(wellKnown).build();
    }

    /**
     * The GPC signal a request carries, if any. Geo headers count only from a trusted proxy, and the client address
     * (for the rate limit) is taken from {@code X-Forwarded-For} only through one.
     */
    private Capture read(HttpHeaders headers, UriInfo uri, HttpServerRequest request) {
        if (!GpcCapture.isGpcOn(headers.getHeaderString(GpcCapture.HEADER))) {
            return new Capture.None();
        }
        String peer = request == null || request.remoteAddress() == null
                ? null
                : request.remoteAddress().hostAddress();
        Duration clientWait = perClient.acquire(proxies.clientAddress(peer, headers.getHeaderString(FORWARDED_FOR)));
        if (!clientWait.isZero()) {
            return new Capture.Refused(tooMany(clientWait, "this client sent more than "
                    + config.rateLimitPerClient() + " GPC requests in a minute"));
        }
        Cookie cookie = headers.getCookies().get(config.subjectCookie());
        Optional<String> subject = GpcCapture.subject(headers.getHeaderString(config.subjectHeader()),
                cookie == null ? null : cookie.getValue(),
                uri.getQueryParameters().getFirst(config.subjectQueryParam()));
        if (subject.isEmpty()) {
            return new Capture.Refused(noSubject());
        }
        Duration subjectWait = perSubject.acquire(subject.get());
        if (!subjectWait.isZero()) {
            return new Capture.Refused(tooMany(subjectWait, "more than " + config.rateLimitPerSubject()
                    + " GPC requests for this subject in a minute"));
        }
        String region = peer != null && proxies.trusts(peer)
                ? GpcCapture.region(headers.getHeaderString(config.regionHeader()),
                        config.subdivisionHeader().map(headers::getHeaderString).orElse(null))
                : null;
        return new Capture.Captured(GpcCapture.signal(subject.get(), region, ingest.now()));
    }

    private static Response tooMany(Duration wait, String why) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return Response.status(429).header(HttpHeaders.RETRY_AFTER, seconds).type(MediaType.APPLICATION_JSON)
                .entity(new ApiContract.Problem("too_many_requests", why + "; GPC is already recorded once it"
                        + " was captured, retry after " + seconds + " s if needed"))
                .build();
    }

    private Response noSubject() {
        return SignalResource.badRequest(List.of(new Violation("subjectId", "Sec-GPC is 1 but the request names no"
                + " subject: send the " + config.subjectHeader() + " header, the " + config.subjectCookie()
                + " cookie or the " + config.subjectQueryParam() + " query parameter")));
    }
}
