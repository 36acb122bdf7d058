package dev.consentrelay.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ApiConfig;

/**
 * The roles of a caller who presented an OIDC access token. quarkus-oidc verifies the token (signature against the
 * provider's JWKS, issuer, audience, expiry) and reads the values of its roles claim
 * ({@code quarkus.oidc.roles.role-claim-path}); those values grant this service's roles only through
 * {@code consent-relay.api.oidc.role-mapping}: a value without a mapping grants nothing, so a group that happens to be
 * called {@code admin} at the provider is not an administrator here unless someone said so.
 *
 * <p>
 * At start-up, with OIDC on ({@code quarkus.oidc.auth-server-url} set), an audience and at least one mapping are
 * required: without an audience any token the provider issued for any application would be accepted, and without a
 * mapping every token would be refused.
 */
@ApplicationScoped
public class OidcRoles implements SecurityIdentityAugmentor {

    private static final Logger LOG = Logger.getLogger(OidcRoles.class);

    private final Map<String, List<String>> mapping;
    private final Optional<String> authServerUrl;
    private final boolean tenantEnabled;
    private final Optional<List<String>> audience;
    private final Optional<List<String>> roleClaimPath;

    OidcRoles(ApiConfig config, @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> authServerUrl,
            @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true") boolean tenantEnabled,
            @ConfigProperty(name = "quarkus.oidc.token.audience") Optional<List<String>> audience,
            @ConfigProperty(name = "quarkus.oidc.roles.role-claim-path") Optional<List<String>> roleClaimPath) {
        this.mapping = config.oidc().roleMapping();
        this.authServerUrl = authServerUrl;
        this.tenantEnabled = tenantEnabled;
        this.audience = audience;
        this.roleClaimPath = roleClaimPath;
    }

    /** Refuses to start with OIDC half configured; says once what OIDC accepts. */
    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (authServerUrl.isEmpty() || !tenantEnabled) {
            LOG.debug("OIDC bearer tokens off (quarkus.oidc.auth-server-url not set): API keys only");
            return;
        }
        check(audience.orElse(List.of()), mapping);
        LOG.infof("OIDC bearer tokens on: provider %s, audience %s, roles from %s, %d mapped value(s)",
                authServerUrl.get(), audience.get(), roleClaimPath.map(Object::toString).orElse("the default claims"),
                mapping.size());
    }

    /** The configuration problems of OIDC when it is on, as an exception naming the property to set. */
    static void check(List<String> audience, Map<String, List<String>> mapping) {
        if (audience.isEmpty()) {
            throw new IllegalStateException("OIDC is on (quarkus.oidc.auth-server-url) but quarkus.oidc.token.audience"
                    + " is not set: set it to the audience your provider puts in this service's access tokens");
        }
        if (mapping.isEmpty()) {
            throw new IllegalStateException("OIDC is on (quarkus.oidc.auth-server-url) but no"
                    + " consent-relay.api.oidc.role-mapping.<value> is set, so every token would be refused: map the"
                    + " provider's group or role values onto ingest, read or admin");
        }
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken)) {
            return Uni.createFrom().item(identity);
        }
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal()).addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes()).addRoles(mapped(identity.getRoles(), mapping));
        return Uni.createFrom().item(builder.build());
    }

    /** The service roles {@code values} of the roles claim are mapped to; admin implies the others. */
    static Set<String> mapped(Set<String> values, Map<String, List<String>> mapping) {
        List<String> roles = new ArrayList<>();
        for (String value : values) {
            roles.addAll(mapping.getOrDefault(value, List.of()));
        }
        return ApiKeys.roles(roles);
    }
}
