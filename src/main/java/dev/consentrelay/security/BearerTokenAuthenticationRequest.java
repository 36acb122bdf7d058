package dev.consentrelay.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A JWT access token presented in {@code Authorization: Bearer}, to be verified by {@link OidcTokens}. */
public class BearerTokenAuthenticationRequest extends BaseAuthenticationRequest {

    private final String token;

    public BearerTokenAuthenticationRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "BearerTokenAuthenticationRequest[****]";
    }
}
