package dev.consentrelay.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.consentrelay.config.ApiConfig;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {

    @Test
    void shouldFindAConfiguredKeyWithItsRolesAndAdminImplyingTheOthers() {
        ApiKeys keys = load(Map.of("crm", key("crm-secret", "ingest"), "ops", key("ops-secret", "admin")), false);

        assertThat(keys.find("crm-secret")).contains(new ApiKeys.Match("crm", Set.of("ingest")));
        assertThat(keys.find("ops-secret").orElseThrow().roles()).containsExactlyInAnyOrder("admin", "ingest",
                "read");
        assertThat(keys.find("crm-secreT")).isEmpty();
    }

    @Test
    void shouldGenerateOneAdminKeyOnlyInTheEmbeddedModeWithNoKeys() {
        assertThat(load(Map.of(), true).rolesByName()).containsOnlyKeys(ApiKeys.EMBEDDED_ADMIN);
        assertThat(load(Map.of(), false).rolesByName()).isEmpty();
        assertThat(load(Map.of("crm", key("crm-secret", "ingest")), true).rolesByName()).containsOnlyKeys("crm");
    }

    private static ApiKeys load(Map<String, ApiConfig.ApiKey> configured, boolean embedded) {
        ApiKeys keys = new ApiKeys(new ApiConfig() {
            @Override
            public Map<String, ApiKey> keys() {
                return configured;
            }

            @Override
            public Oidc oidc() {
                throw new UnsupportedOperationException("API keys do not read the OIDC settings");
            }
        }, embedded);
        keys.load();
        return keys;
    }

    private static ApiConfig.ApiKey key(String secret, String... roles) {
        return new ApiConfig.ApiKey() {
            @Override
            public Optional<String> key() {
                return Optional.of(secret);
            }

            @Override
            public List<String> roles() {
                return List.of(roles);
            }
        };
    }
}
