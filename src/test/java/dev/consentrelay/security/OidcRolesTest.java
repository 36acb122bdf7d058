package dev.consentrelay.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OidcRolesTest {

    @Test
    void shouldGrantOnlyWhatTheMappingSaysWithAdminImplyingTheOthers() {
        Map<String, List<String>> mapping = Map.of("privacy-team", List.of("read"), "dpo", List.of("admin"));

        assertThat(OidcRoles.mapped(Set.of("privacy-team", "marketing"), mapping)).containsExactly("read");
        assertThat(OidcRoles.mapped(Set.of("dpo"), mapping)).containsExactlyInAnyOrder("admin", "read", "ingest");
        assertThat(OidcRoles.mapped(Set.of("admin", "read", "ingest"), mapping)).isEmpty();
    }

    @Test
    void shouldRefuseToStartWithoutAnAudienceOrAMapping() {
        Map<String, List<String>> mapping = Map.of("dpo", List.of("admin"));

        assertThatThrownBy(() -> OidcRoles.check(List.of(), mapping))
                .hasMessageContaining("quarkus.oidc.token.audience");
        assertThatThrownBy(() -> OidcRoles.check(List.of("consent-relay"), Map.of()))
                .hasMessageContaining("consent-relay.api.oidc.role-mapping");
        OidcRoles.check(List.of("consent-relay"), mapping);
    }
}
