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
 * Reads the caller's API key from {@code X-API-Key}. {@code Authorization: Bearer} belongs to OIDC access tokens
 * (quarkus-oidc's own mechanism, when configured), so the two work side by side without guessing which a bearer value
 * is. A missing key leaves the request anonymous (the resource's role check then answers 401); an unknown key is 401.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** Header carrying an API key. */
    public static final String API_KEY_HEADER = "X-API-Key";
    /** Another instance of the service, asking what a caller it authorized asked: it reads, and reaches GETs only. */
    private static final SecurityIdentity INSTANCE = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("consent-relay-instance")).addRole(ApiKeys.READ)
            .addRole(ApiKeys.ADMIN).build();

    private final InstanceCredentials instances;

    @Inject
    public ApiKeyAuthenticationMechanism(InstanceCredentials instances) {
        this.instances = instances;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String internal = context.request().getHeader(InstanceCredentials.LOOPBACK_HEADER);
        if (internal != null) {
            // A query another instance forwarded, handed over by this process's instance-to-instance listener.
            return instances.isLoopbackSecret(internal)
                    ? Uni.createFrom().item(INSTANCE)
                    : Uni.createFrom().failure(new AuthenticationFailedException("not this instance's listener"));
        }
        String key = presentedKey(context.request().getHeader(API_KEY_HEADER));
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(new ApiKeyAuthenticationRequest(key));
    }

    /** The API key in the header, or {@code null} when there is none. */
    static String presentedKey(String apiKeyHeader) {
        return apiKeyHeader == null || apiKeyHeader.isBlank() ? null : apiKeyHeader.trim();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "X-API-Key realm=\"consent-relay\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }
}
