package dev.consentrelay.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key presented in {@code Authorization: Bearer} or {@code X-API-Key}. */
public class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[****]";
    }
}
