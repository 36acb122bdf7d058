package dev.consentrelay.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The error answers every resource shares: a JSON body with a message. */
final class Responses {

    private Responses() {
    }

    static Response unavailable(String why, int retryAfterSeconds) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .type(MediaType.APPLICATION_JSON).entity(new ApiContract.Problem("unavailable", why)).build();
    }

    static Response notFound(String message) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(new ApiContract.Problem("not_found", message)).build();
    }
}
