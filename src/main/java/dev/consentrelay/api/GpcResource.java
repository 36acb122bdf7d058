package dev.consentrelay.api;

import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import dev.consentrelay.config.IngestConfig;
import dev.consentrelay.domain.ConsentSignal;
import dev.consentrelay.domain.Violation;
import dev.consentrelay.ingest.GpcCapture;
import dev.consentrelay.ingest.PublishOutcome;
import dev.consentrelay.ingest.PublishUnavailableException;
import dev.consentrelay.ingest.SignalIngest;

/**
 * Global Privacy Control capture for browsers and edge workers (no API key: the browser itself calls these). Only
 * {@code Sec-GPC: 1} counts, as the W3C GPC specification says; otherwise nothing is published and the answer is
 * {@code 204}.
 */
@Path("/")
@PermitAll
@Tag(name = "Global Privacy Control", description = "Capture the Sec-GPC browser header")
public class GpcResource {

    private static final Logger LOG = Logger.getLogger(GpcResource.class);
    /** A 1x1 transparent GIF. */
    private static final byte[] PIXEL = Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    private static final String NO_STORE = "no-store";

    private final SignalIngest ingest;
    private final IngestConfig.Gpc config;
    private final String wellKnown;

    @Inject
    public GpcResource(SignalIngest ingest, IngestConfig config) {
        this.ingest = ingest;
        this.config = config.gpc();
        this.wellKnown = "{\"gpc\": true, \"lastUpdate\": \"" + config.gpc().lastUpdate() + "\"}";
    }

    @POST
    @Path("v1/gpc")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Capture a browser's Global Privacy Control header", description = "With Sec-GPC: 1, publishes"
            + " a GPC signal for the subject (from the configured header, cookie or query parameter) in the region of"
            + " the configured geo headers, and answers 202 once Kafka has it. Without the header, or any other value,"
            + " nothing happens: 204.")
    @Parameter(name = GpcCapture.HEADER, in = ParameterIn.HEADER, description = "1 when GPC is on", example = "1")
    @APIResponse(responseCode = "202", description = "A GPC signal was published", content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "captured", value = "{\"signalId\": \"9a0e...\", \"region\": \"US-CA\"}")))
    @APIResponse(responseCode = "204", description = "No GPC preference in the request; nothing published")
    @APIResponse(responseCode = "400", description = "Sec-GPC: 1 but no subject id in the request")
    @APIResponse(responseCode = "503", description = "Kafka unavailable: retry after Retry-After seconds")
    public Response capture(@Context HttpHeaders headers, @Context UriInfo uri) throws PublishUnavailableException {
        Optional<ConsentSignal> signal = gpcSignal(headers, uri);
        if (signal == null) {
            return noSubject();
        }
        if (signal.isEmpty()) {
            return Response.noContent().header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
        }
        ConsentSignal gpc = signal.get();
        PublishOutcome outcome = ingest.publish(gpc);
        LOG.debugf("GPC signal %s for subject %s in region %s: %s", gpc.signalId(), gpc.subjectId(), gpc.region(),
                outcome);
        return Response.accepted(gpc.region() == null
                ? Map.of("signalId", gpc.signalId())
                : Map.of("signalId", gpc.signalId(), "region", gpc.region()))
                .location(URI.create(SignalStatusQuery.location(gpc.subjectId(), gpc.signalId())))
                .header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    @GET
    @Path("v1/gpc")
    @Produces({"image/gif", MediaType.APPLICATION_JSON})
    @Operation(summary = "Capture Global Privacy Control from a beacon (pixel form)", description = "Like POST, for"
            + " <img> beacons and edge workers: a 1x1 transparent GIF when a GPC signal was published, 204 when the"
            + " request carries no GPC preference.")
    @Parameter(name = GpcCapture.HEADER, in = ParameterIn.HEADER, description = "1 when GPC is on", example = "1")
    @APIResponse(responseCode = "200", description = "GPC signal published; a 1x1 transparent GIF", content = @Content(mediaType = "image/gif"))
    @APIResponse(responseCode = "204", description = "No GPC preference in the request; nothing published")
    @APIResponse(responseCode = "400", description = "Sec-GPC: 1 but no subject id in the request")
    public Response pixel(@Context HttpHeaders headers, @Context UriInfo uri) throws PublishUnavailableException {
        Optional<ConsentSignal> signal = gpcSignal(headers, uri);
        if (signal == null) {
            return noSubject();
        }
        if (signal.isEmpty()) {
            return Response.noContent().header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
        }
        ingest.publish(signal.get());
        return Response.ok(PIXEL, "image/gif").header(HttpHeaders.CACHE_CONTROL, NO_STORE).build();
    }

    @GET
    @Path(".well-known/gpc.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The site's GPC support resource", description = "Per the GPC specification:"
            + " {\"gpc\": true, \"lastUpdate\": \"YYYY-MM-DD\"}; lastUpdate from consent-relay.ingest.gpc.last-update.")
    @APIResponse(responseCode = "200", description = "GPC is honoured", content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "gpc", value = "{\"gpc\": true, \"lastUpdate\": \"2026-11-01\"}")))
    public Response wellKnown() {
        return Response.ok(wellKnown).build();
    }

    /** Empty when there is no GPC preference; {@code null} when there is one but no subject. */
    private Optional<ConsentSignal> gpcSignal(HttpHeaders headers, UriInfo uri) {
        if (!GpcCapture.isGpcOn(headers.getHeaderString(GpcCapture.HEADER))) {
            return Optional.empty();
        }
        Cookie cookie = headers.getCookies().get(config.subjectCookie());
        Optional<String> subject = GpcCapture.subject(headers.getHeaderString(config.subjectHeader()),
                cookie == null ? null : cookie.getValue(),
                uri.getQueryParameters().getFirst(config.subjectQueryParam()));
        if (subject.isEmpty()) {
            return null;
        }
        String region = GpcCapture.region(headers.getHeaderString(config.regionHeader()),
                config.subdivisionHeader().map(headers::getHeaderString).orElse(null));
        return Optional.of(GpcCapture.signal(subject.get(), region, ingest.now()));
    }

    private Response noSubject() {
        return SignalResource.badRequest(List.of(new Violation("subjectId", "Sec-GPC is 1 but the request names no"
                + " subject: send the " + config.subjectHeader() + " header, the " + config.subjectCookie()
                + " cookie or the " + config.subjectQueryParam() + " query parameter")));
    }
}
