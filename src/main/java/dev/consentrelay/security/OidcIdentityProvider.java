package dev.consentrelay.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/**
 * Turns a valid OIDC access token into an identity named after its subject, with the roles of its roles claim;
 * refuses invalid tokens. Verification may fetch the provider's keys, so it runs off the event loop.
 */
@ApplicationScoped
public class OidcIdentityProvider implements IdentityProvider<BearerTokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(OidcIdentityProvider.class);

    @Inject
    OidcTokens tokens;

    @Override
    public Class<BearerTokenAuthenticationRequest> getRequestType() {
        return BearerTokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(BearerTokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            try {
                OidcTokens.Caller caller = tokens.verify(request.token());
                return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.subject()))
                        .addRoles(caller.roles()).build();
            } catch (OidcTokens.InvalidTokenException e) {
                LOG.debugf("Bearer token refused: %s", e.getMessage());
                throw new AuthenticationFailedException("invalid bearer token");
            }
        });
    }
}
