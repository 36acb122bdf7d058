package dev.consentrelay.domain;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifierHasherTest {

    private static final SubjectIdentifier DEVICE = new SubjectIdentifier("device_id", "device-7");
    private final IdentifierHasher hasher = new IdentifierHasher(key("first-key-0123456789"));

    @Test
    void keepsTheTypeAndReplacesTheValueWithTheSameKeyedHashEveryTime() {
        SubjectIdentifier redacted = hasher.redact(DEVICE);

        assertThat(redacted.type()).isEqualTo("device_id");
        assertThat(redacted.value()).startsWith(IdentifierHasher.PREFIX).doesNotContain("device-7")
                .hasSize(IdentifierHasher.PREFIX.length() + 64);
        assertThat(new IdentifierHasher(key("first-key-0123456789")).redact(DEVICE)).isEqualTo(redacted);
        assertThat(hasher.redact(redacted)).as("a keyed hash is not hashed again").isEqualTo(redacted);
    }

    @Test
    void anotherKeyOrAnotherTypeGivesAnotherHash() {
        assertThat(new IdentifierHasher(key("second-key-0123456789")).redact(DEVICE))
                .isNotEqualTo(hasher.redact(DEVICE));
        assertThat(hasher.redact(new SubjectIdentifier("crm_id", "device-7")).value())
                .isNotEqualTo(hasher.redact(DEVICE).value());
    }

    @Test
    void rawKeepsOnlyWhatAVendorCanMatchOn() {
        assertThat(IdentifierHasher.raw(List.of(hasher.redact(DEVICE), new SubjectIdentifier("crm_id", "C-1"))))
                .containsExactly(new SubjectIdentifier("crm_id", "C-1"));
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> new IdentifierHasher(key("short"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
