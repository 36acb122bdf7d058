package dev.consentrelay.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.consentrelay.domain.Policy.Model.OPT_IN;
import static dev.consentrelay.domain.Policy.Model.OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyTest {

    private final Policy policy = Policy.defaults();

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "EU, email_marketing, OPT_IN", "EU, sms_marketing, OPT_IN", "EU, analytics, OPT_IN",
            "EU, advertising, OPT_IN", "EU, profiling, OPT_IN", "EU, sale_sharing, OPT_IN",
            "EU, personalization, OPT_IN", "EU, third_party_sharing, OPT_IN",
            "UK, email_marketing, OPT_IN", "UK, analytics, OPT_IN", "UK, sale_sharing, OPT_IN",
            "UK, third_party_sharing, OPT_IN",
            "CA, email_marketing, OPT_IN", "CA, sms_marketing, OPT_IN", "CA, analytics, OPT_OUT",
            "CA, advertising, OPT_OUT", "CA, profiling, OPT_OUT", "CA, sale_sharing, OPT_OUT",
            "CA, personalization, OPT_OUT", "CA, third_party_sharing, OPT_OUT",
            "US-CA, email_marketing, OPT_OUT", "US-CA, sms_marketing, OPT_IN", "US-CA, analytics, OPT_OUT",
            "US-CA, advertising, OPT_OUT", "US-CA, profiling, OPT_OUT", "US-CA, sale_sharing, OPT_OUT",
            "US-CA, personalization, OPT_OUT", "US-CA, third_party_sharing, OPT_OUT",
            "US-TX, email_marketing, OPT_OUT", "US-TX, sms_marketing, OPT_IN", "US-TX, sale_sharing, OPT_OUT",
            "US-CO, advertising, OPT_OUT", "US-VA, profiling, OPT_OUT",
            "BR, analytics, OPT_IN", "JP, email_marketing, OPT_IN", "US, analytics, OPT_IN"})
    void shouldApplyTheDefaultModelOfEachRegion(String region, String purpose, Policy.Model expected) {
        assertThat(policy.model(region, purpose)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void shouldApplyTheStricterOptInModelWhenTheRegionIsUnknown(String region) {
        assertThat(policy.purposes())
                .allSatisfy(purpose -> assertThat(policy.model(region, purpose)).isEqualTo(OPT_IN));
    }

    @Test
    void shouldListTheDefaultCatalogueAndVersion() {
        assertThat(policy.version()).isEqualTo("2026-11-01");
        assertThat(policy.purposes()).containsExactly("email_marketing", "sms_marketing", "analytics", "advertising",
                "profiling", "sale_sharing", "personalization", "third_party_sharing");
        assertThat(policy.maxClockSkew()).isEqualTo(Duration.ofMinutes(5));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"EU", "UK", "CA", "US-CA", "US-TX", "JP"})
    void shouldDenyTheSameGpcPurposesInEveryRegionByDefault(String region) {
        assertThat(policy.gpcPurposes(region)).containsExactlyInAnyOrder("sale_sharing", "advertising",
                "third_party_sharing");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"EU, analytics, P13M", "EU, advertising, P13M", "UK, analytics, P13M", "UK, advertising, P13M",
            "EU, email_marketing, ", "UK, profiling, ", "US-CA, analytics, ", "CA, advertising, ", ", analytics, "})
    void shouldLetOnlyEuAndUkAnalyticsAndAdvertisingGrantsLapse(String region, String purpose, String lifetime) {
        if (lifetime == null) {
            assertThat(policy.grantLifetime(region, purpose)).isEmpty();
        } else {
            assertThat(policy.grantLifetime(region, purpose)).contains(Period.parse(lifetime));
        }
    }

    @Test
    void shouldComputeGrantExpiryWithCalendarMonthsInUtc() {
        Instant grantedAt = Instant.parse("2026-10-31T23:30:00Z");

        assertThat(policy.grantExpiry("EU", "analytics", grantedAt)).contains(Instant.parse("2027-11-30T23:30:00Z"));
    }

    @Test
    void shouldPreferTheExactRegionOverTheLongestWildcardOverTheShortest() {
        Policy custom = Policy.builder().purposes(List.of("analytics"))
                .model("*", "analytics", OPT_OUT)
                .model("US-*", "analytics", OPT_IN)
                .model("US-C*", "analytics", OPT_OUT)
                .model("US-CO", "analytics", OPT_IN)
                .build();

        assertThat(custom.model("US-CA", "analytics")).isEqualTo(OPT_OUT);
        assertThat(custom.model("US-CO", "analytics")).isEqualTo(OPT_IN);
        assertThat(custom.model("US-TX", "analytics")).isEqualTo(OPT_IN);
        assertThat(custom.model("EU", "analytics")).isEqualTo(OPT_OUT);
    }

    @Test
    void shouldFallBackToAWildcardWhenTheExactRegionHasNoEntryForThePurpose() {
        Policy custom = Policy.defaults().toBuilder().model("US-TX", "analytics", OPT_IN).build();

        assertThat(custom.model("US-TX", "analytics")).isEqualTo(OPT_IN);
        assertThat(custom.model("US-TX", "advertising")).isEqualTo(OPT_OUT);
    }

    @Test
    void shouldAcceptConfiguredMethodsAndLifetimesAsText() {
        Policy custom = Policy.defaults().toBuilder().affirmativeMethods(List.of("Signed_Form"))
                .grantLifetime("US-*", "analytics", "PT1S").build();

        assertThat(custom.isAffirmativeMethod("signed_form")).isTrue();
        assertThat(custom.isAffirmativeMethod("toggle")).isFalse();
        assertThat(custom.grantLifetime("US-CA", "analytics")).contains(Duration.ofSeconds(1));
    }

    @Test
    void shouldRejectAConfigurationNamingEveryProblem() {
        assertThatThrownBy(() -> Policy.builder().purposes(List.of("analytics"))
                .model("usa", "analytics", OPT_IN)
                .gpcPurposes("*", List.of("sale_sharing"))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region pattern 'usa'")
                .hasMessageContaining("purpose 'sale_sharing' is not in the catalogue [analytics]");
    }

    @Test
    void shouldRejectALifetimeThatIsNeitherPeriodNorDuration() {
        assertThatThrownBy(() -> Policy.parseLifetime("13 months")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'13 months'");
    }

    @Test
    void shouldLabelARegionByThePolicysOwnPatternSoMetricLabelsStayBounded() {
        Policy policy = Policy.defaults();

        assertThat(policy.regionLabel("EU")).isEqualTo("EU");
        assertThat(policy.regionLabel("US-CA")).isIn("US-CA", "US-*");
        assertThat(policy.regionLabel("US-ZZ")).isEqualTo(policy.regionLabel("US-WY"));
        assertThat(policy.regionLabel(null)).isEqualTo("unknown");
        assertThat(policy.regionLabel(" ")).isEqualTo("unknown");
        assertThat(policy.models().keySet()).contains(policy.regionLabel("US-ZZ"));
    }
}
