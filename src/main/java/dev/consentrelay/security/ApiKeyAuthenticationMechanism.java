package dev.consentrelay.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the caller's credential: an API key from {@code X-API-Key} or {@code Authorization: Bearer <key>}, or, when
 * OIDC is configured, an access token from {@code Authorization: Bearer <jwt>} (three dot-separated parts), so API
 * keys and OIDC tokens work side by side. A missing credential leaves the request anonymous (the resource's role check
 * then answers 401); an unknown key or an invalid token is 401.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** Header carrying an API key. */
    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";
    /** Another instance of the service, asking what a caller it authorized asked: it reads, and reaches GETs only. */
    private static final SecurityIdentity INSTANCE = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("consent-relay-instance")).addRole(ApiKeys.READ)
            .addRole(ApiKeys.ADMIN).build();

    @Inject
    OidcTokens oidc;

    @Inject
    InstanceCredentials instances;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String internal = context.request().getHeader(InstanceCredentials.LOOPBACK_HEADER);
        if (internal != null) {
            // A query another instance forwarded, handed over by this process's instance-to-instance listener.
            return instances.isLoopbackSecret(internal)
                    ? Uni.createFrom().item(INSTANCE)
                    : Uni.createFrom().failure(new AuthenticationFailedException("not this instance's listener"));
        }
        String apiKeyHeader = context.request().getHeader(API_KEY_HEADER);
        String authorization = context.request().getHeader("Authorization");
        String key = presentedKey(apiKeyHeader, authorization);
        if (key != null) {
            return identityProviderManager.authenticate(new ApiKeyAuthenticationRequest(key));
        }
        String token = presentedJwt(apiKeyHeader, authorization);
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        if (!oidc.enabled()) {
            // Nothing could verify it: refuse it rather than leave the caller anonymous on an open path.
            return Uni.createFrom().failure(new AuthenticationFailedException("OIDC bearer tokens not configured"));
        }
        return identityProviderManager.authenticate(new BearerTokenAuthenticationRequest(token));
    }

    /** The JWT in {@code Authorization: Bearer}, or {@code null} when there is none or an API key was presented. */
    static String presentedJwt(String apiKeyHeader, String authorization) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return null;
        }
        String token = bearer(authorization);
        return token != null && looksLikeJwt(token) ? token : null;
    }

    /** The API key in the headers, or {@code null} when there is none (or the bearer token is a JWT). */
    static String presentedKey(String apiKeyHeader, String authorization) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return apiKeyHeader.trim();
        }
        String token = bearer(authorization);
        return token == null || looksLikeJwt(token) ? null : token;
    }

    private static String bearer(String authorization) {
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    private static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"consent-relay\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class, BearerTokenAuthenticationRequest.class);
    }
}
