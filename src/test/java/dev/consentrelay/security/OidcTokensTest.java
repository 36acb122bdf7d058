package dev.consentrelay.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import dev.consentrelay.config.ApiConfig;
import dev.consentrelay.testing.TestOidcProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OidcTokensTest {

    private static final String ISSUER = "https://sso.example.com/realms/privacy";
    private static final RsaJsonWebKey KEY = TestOidcProvider.newKey("k1");

    @Test
    void shouldTakeRolesFromGroupsAndExpandAdmin() {
        OidcTokens tokens = tokens("groups", Map.of());

        OidcTokens.Caller caller = tokens.verify(sign(TestOidcProvider.claims(ISSUER, "alice", ApiKeys.ADMIN)));

        assertThat(caller.subject()).isEqualTo("alice");
        assertThat(caller.roles()).containsExactlyInAnyOrder(ApiKeys.ADMIN, ApiKeys.INGEST, ApiKeys.READ);
    }

    @Test
    void shouldReadKeycloakRealmRolesThroughADottedPath() {
        JwtClaims claims = TestOidcProvider.claims(ISSUER, "bob");
        claims.setClaim("realm_access", Map.of("roles", List.of("read", "offline_access")));

        assertThat(tokens("realm_access.roles", Map.of()).verify(sign(claims)).roles()).contains(ApiKeys.READ)
                .doesNotContain(ApiKeys.INGEST);
    }

    @Test
    void shouldMapProviderGroupsOntoServiceRoles() {
        OidcTokens tokens = tokens("groups", Map.of("privacy-team", List.of(ApiKeys.READ)));

        assertThat(tokens.verify(sign(TestOidcProvider.claims(ISSUER, "carol", "privacy-team"))).roles())
                .contains(ApiKeys.READ);
    }

    @Test
    void shouldSplitARolesClaimGivenAsAString() {
        assertThat(OidcTokens.claimValues(Map.of("scope", "ingest read"), "scope")).containsExactly("ingest", "read");
        assertThat(OidcTokens.claimValues(Map.of("https://example.com/roles", List.of("read")),
                "https://example.com/roles")).containsExactly("read");
        assertThat(OidcTokens.claimValues(Map.of(), "realm_access.roles")).isEmpty();
    }

    @Test
    void shouldRefuseATokenFromAnotherIssuer() {
        assertThatThrownBy(() -> tokens("groups", Map.of())
                .verify(sign(TestOidcProvider.claims("https://other.example.com", "alice", ApiKeys.READ))))
                .isInstanceOf(OidcTokens.InvalidTokenException.class).hasMessageContaining("iss");
    }

    @Test
    void shouldNeverPutTheTokenIntoTheReason() {
        String token = TestOidcProvider.sign(TestOidcProvider.newKey("k1"),
                TestOidcProvider.claims(ISSUER, "alice", ApiKeys.READ));

        assertThatThrownBy(() -> tokens("groups", Map.of()).verify(token))
                .isInstanceOf(OidcTokens.InvalidTokenException.class).hasMessageContaining("Signature")
                .hasMessageNotContaining(token.split("\\.")[1]).hasMessageNotContaining(token.split("\\.")[2]);
    }

    @Test
    void shouldRefuseEverythingWhenOff() {
        OidcTokens off = new OidcTokens(config("groups", Map.of()), null);

        assertThat(off.enabled()).isFalse();
        assertThatThrownBy(() -> off.verify(sign(TestOidcProvider.claims(ISSUER, "alice", ApiKeys.READ))))
                .isInstanceOf(OidcTokens.InvalidTokenException.class);
    }

    @Test
    void shouldRequireAnIssuerWhenOn() {
        ApiConfig.Oidc noIssuer = new StubOidc("groups", Map.of()) {
            @Override
            public Optional<String> issuer() {
                return Optional.empty();
            }
        };
        assertThatThrownBy(() -> new OidcTokens(noIssuer, new JwksVerificationKeyResolver(List.of(KEY))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("issuer");
    }

    private static OidcTokens tokens(String rolesClaim, Map<String, List<String>> mapping) {
        return new OidcTokens(config(rolesClaim, mapping), new JwksVerificationKeyResolver(List.of(KEY)));
    }

    private static String sign(JwtClaims claims) {
        return TestOidcProvider.sign(KEY, claims);
    }

    private static ApiConfig.Oidc config(String rolesClaim, Map<String, List<String>> mapping) {
        return new StubOidc(rolesClaim, mapping);
    }

    private static class StubOidc implements ApiConfig.Oidc {

        private final String rolesClaim;
        private final Map<String, List<String>> mapping;

        StubOidc(String rolesClaim, Map<String, List<String>> mapping) {
            this.rolesClaim = rolesClaim;
            this.mapping = mapping;
        }

        @Override
        public Optional<String> jwksUrl() {
            return Optional.of("https://sso.example.com/certs");
        }

        @Override
        public Optional<String> issuer() {
            return Optional.of(ISSUER);
        }

        @Override
        public Optional<List<String>> audience() {
            return Optional.of(List.of(TestOidcProvider.AUDIENCE));
        }

        @Override
        public String rolesClaim() {
            return rolesClaim;
        }

        @Override
        public Map<String, List<String>> roleMapping() {
            return mapping;
        }

        @Override
        public Duration clockSkew() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration jwksCacheDuration() {
            return Duration.ofMinutes(10);
        }
    }
}
