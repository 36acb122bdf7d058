package dev.consentrelay.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the {@link TestOidcProvider} of this JVM: OIDC bearer tokens on, the provider's
 * groups {@code privacy-analysts} and {@code privacy-admins} mapped onto read and admin.
 */
public class OidcProviderResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestOidcProvider provider = TestOidcProvider.get();
        return Map.of("quarkus.oidc.auth-server-url", provider.issuer(), "quarkus.oidc.token.audience",
                TestOidcProvider.AUDIENCE, "consent-relay.api.oidc.role-mapping.privacy-analysts", "read",
                "consent-relay.api.oidc.role-mapping.privacy-admins", "admin");
    }

    @Override
    public void stop() {
        // Shared provider: stopped when the test JVM exits.
    }
}
