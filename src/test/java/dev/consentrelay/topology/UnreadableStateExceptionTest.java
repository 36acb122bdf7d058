package dev.consentrelay.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnreadableStateExceptionTest {

    @Test
    void shouldNameTheStoreAndAFingerprintOfTheKeyButNotTheKey() {
        assertThatThrownBy(() -> UnreadableStateException.read(StoreNames.CONSENT_TABLE, "user-42", () -> {
            throw new SerializationException("Could not decode value");
        })).isInstanceOfSatisfying(UnreadableStateException.class, e -> {
            assertThat(e.store()).isEqualTo(StoreNames.CONSENT_TABLE);
            assertThat(e.getMessage()).contains("'consent-table'")
                    .contains("key sha256:" + UnreadableStateException.fingerprint("user-42"))
                    .doesNotContain("user-42").contains("kafka-streams.state.dir");
        });
    }

    @Test
    void shouldPassAReadableValueThrough() {
        assertThat(UnreadableStateException.read(StoreNames.CONSENT_TABLE, "k", () -> "v")).isEqualTo("v");
    }
}
