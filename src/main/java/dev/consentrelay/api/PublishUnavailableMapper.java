package dev.consentrelay.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import dev.consentrelay.config.IngestConfig;
import dev.consentrelay.ingest.PublishUnavailableException;

/** Kafka did not take a signal in time: {@code 503} with {@code Retry-After}, so the sender retries. */
@Provider
public class PublishUnavailableMapper implements ExceptionMapper<PublishUnavailableException> {

    private final IngestConfig config;

    @Inject
    public PublishUnavailableMapper(IngestConfig config) {
        this.config = config;
    }

    @Override
    public Response toResponse(PublishUnavailableException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(config))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of("kafka", e.getMessage())).build();
    }

    static long retryAfterSeconds(IngestConfig config) {
        return Math.max(1, config.retryAfter().toSeconds());
    }
}
