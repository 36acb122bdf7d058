package dev.consentrelay.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PreferenceLinksTest {

    private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");
    private final PreferenceLinks links = new PreferenceLinks(bytes("identifier-key-of-this-test"));

    @Test
    void aLinkOpensForItsSubjectUntilItExpires() {
        PreferenceLinks.Link link = links.sign("user-42", NOW.plusSeconds(3_600));

        assertThat(links.problem("user-42", String.valueOf(link.expiresAt()), link.token(), NOW)).isNull();
        assertThat(new PreferenceLinks(bytes("identifier-key-of-this-test")).problem("user-42",
                String.valueOf(link.expiresAt()), link.token(), NOW)).as("every instance checks every link").isNull();
        assertThat(links.problem("user-42", String.valueOf(link.expiresAt()), link.token(), NOW.plusSeconds(3_600)))
                .contains("expired");
        assertThat(link.path()).startsWith("/preferences/?s=user-42&e=" + link.expiresAt() + "&t=");
    }

    @Test
    void anotherSubjectALaterExpiryOrAnotherKeyIsRefused() {
        PreferenceLinks.Link link = links.sign("user-42", NOW.plusSeconds(3_600));
        String expiry = String.valueOf(link.expiresAt());

        assertThat(links.problem("user-43", expiry, link.token(), NOW)).contains("not valid");
        assertThat(links.problem("user-42", String.valueOf(link.expiresAt() + 86_400), link.token(), NOW))
                .contains("not valid");
        assertThat(new PreferenceLinks(bytes("another-identifier-key")).problem("user-42", expiry, link.token(),
                NOW)).contains("not valid");
        assertThat(links.problem("user-42", "soon", link.token(), NOW)).contains("damaged");
        assertThat(links.problem(null, expiry, link.token(), NOW)).contains("ask for a new link");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
