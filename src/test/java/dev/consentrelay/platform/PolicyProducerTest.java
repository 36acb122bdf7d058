package dev.consentrelay.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.consentrelay.config.PolicyConfig;
import dev.consentrelay.domain.Policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyProducerTest {

    @Test
    void shouldUseTheDefaultsWhenNothingIsConfigured() {
        Policy policy = PolicyProducer.fromConfig(new Config(Map.of()));
        Policy defaults = Policy.defaults();

        assertThat(policy.version()).isEqualTo(defaults.version());
        assertThat(policy.purposes()).containsExactlyElementsOf(defaults.purposes());
        assertThat(policy.models()).isEqualTo(defaults.models());
        assertThat(policy.gpcPurposesByRegion()).isEqualTo(defaults.gpcPurposesByRegion());
        assertThat(policy.grantLifetimes()).isEqualTo(defaults.grantLifetimes());
        assertThat(policy.affirmativeMethods()).isEqualTo(defaults.affirmativeMethods());
        assertThat(policy.maxClockSkew()).isEqualTo(defaults.maxClockSkew());
    }

    @Test
    void shouldMergeAModelOverrideOverTheDefaults() {
        Policy policy = PolicyProducer.fromConfig(new Config(Map.of("US-*", Map.of("sms_marketing", " opt_out "))));
        Policy defaults = Policy.defaults();

        assertThat(policy.model("US-CA", "sms_marketing")).isEqualTo(Policy.Model.OPT_OUT);
        assertThat(policy.model("US-CA", "advertising")).isEqualTo(Policy.Model.OPT_OUT);
        assertThat(policy.models().get("US-*")).hasSameSizeAs(defaults.models().get("US-*"));
        for (String region : List.of("EU", "UK", "CA")) {
            assertThat(policy.models().get(region)).as(region).isEqualTo(defaults.models().get(region));
        }
    }

    @Test
    void shouldNameTheKeyOfABadModel() {
        assertThatThrownBy(() -> PolicyProducer.fromConfig(new Config(Map.of("EU", Map.of("analytics", "MAYBE")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consent-relay.policy.models.\"EU\".analytics=MAYBE")
                .hasMessageContaining("OPT_IN or OPT_OUT");
    }

    @Test
    void shouldNameAnUnknownPurposeInAModelOverride() {
        assertThatThrownBy(() -> PolicyProducer.fromConfig(new Config(Map.of("EU", Map.of("telepathy", "OPT_IN")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid consent-relay.policy configuration")
                .hasMessageContaining("telepathy");
    }

    /** Only models configured; everything else left to the defaults. */
    private record Config(Map<String, Map<String, String>> models) implements PolicyConfig {

        @Override
        public Optional<String> version() {
            return Optional.empty();
        }

        @Override
        public Optional<List<String>> purposes() {
            return Optional.empty();
        }

        @Override
        public Map<String, List<String>> gpcPurposes() {
            return Map.of();
        }

        @Override
        public Map<String, Map<String, String>> grantLifetimes() {
            return Map.of();
        }

        @Override
        public Optional<List<String>> affirmativeMethods() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> maxClockSkew() {
            return Optional.empty();
        }
    }
}
