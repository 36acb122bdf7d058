package dev.consentrelay.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points a {@code @QuarkusTest} at the {@link TestOidcProvider} of this JVM: OIDC bearer tokens on. */
public class OidcProviderResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestOidcProvider provider = TestOidcProvider.get();
        return Map.of("consent-relay.api.oidc.jwks-url", provider.jwksUrl(), "consent-relay.api.oidc.issuer",
                provider.issuer(), "consent-relay.api.oidc.audience", TestOidcProvider.AUDIENCE);
    }

    @Override
    public void stop() {
        // Shared provider: stopped when the test JVM exits.
    }
}
