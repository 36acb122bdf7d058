package dev.consentrelay.api;

import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The error answers every resource shares: a JSON body with a message. */
final class Responses {

    private Responses() {
    }

    static Response unavailable(String why, int retryAfterSeconds) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .type(MediaType.APPLICATION_JSON).entity(Map.of("error", "unavailable", "message", why)).build();
    }

    static Response notFound(String message) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "not_found", "message", message)).build();
    }
}
