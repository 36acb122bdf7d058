package dev.consentrelay.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyAuthenticationMechanismTest {

    @Test
    void shouldReadTheKeyFromEitherHeader() {
        assertThat(ApiKeyAuthenticationMechanism.presentedKey("k1", null)).isEqualTo("k1");
        assertThat(ApiKeyAuthenticationMechanism.presentedKey(null, "Bearer k2")).isEqualTo("k2");
        assertThat(ApiKeyAuthenticationMechanism.presentedKey(null, "bearer k2")).isEqualTo("k2");
        assertThat(ApiKeyAuthenticationMechanism.presentedKey("k1", "Bearer k2")).isEqualTo("k1");
    }

    @Test
    void shouldLeaveJwtsAndOtherSchemesToOtherMechanisms() {
        assertThat(ApiKeyAuthenticationMechanism.presentedKey(null, "Bearer aaa.bbb.ccc")).isNull();
        assertThat(ApiKeyAuthenticationMechanism.presentedKey(null, "Basic dXNlcjpwYXNz")).isNull();
        assertThat(ApiKeyAuthenticationMechanism.presentedKey(null, null)).isNull();
        assertThat(ApiKeyAuthenticationMechanism.presentedKey(" ", "Bearer ")).isNull();
    }

    @Test
    void shouldTakeABearerJwtAsATokenUnlessAnApiKeyIsPresented() {
        assertThat(ApiKeyAuthenticationMechanism.presentedJwt(null, "Bearer aaa.bbb.ccc")).isEqualTo("aaa.bbb.ccc");
        assertThat(ApiKeyAuthenticationMechanism.presentedJwt("k1", "Bearer aaa.bbb.ccc")).isNull();
        assertThat(ApiKeyAuthenticationMechanism.presentedJwt(null, "Bearer k2")).isNull();
        assertThat(ApiKeyAuthenticationMechanism.presentedJwt(null, null)).isNull();
    }
}
