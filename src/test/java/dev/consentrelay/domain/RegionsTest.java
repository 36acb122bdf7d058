package dev.consentrelay.domain;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which region patterns cover a region, and which entry a region finds. */
class RegionsTest {

    @Test
    void aPatternCoversItsCodeItsPrefixOrEverything() {
        assertThat(Regions.matches("US-CA", "US-CA")).isTrue();
        assertThat(Regions.matches("US-CA", "US-NY")).isFalse();
        assertThat(Regions.matches("US-*", "US-CA")).isTrue();
        assertThat(Regions.matches("US-*", " US-CA ")).as("the region as trimmed").isTrue();
        assertThat(Regions.matches("US-*", "US")).as("shorter than the prefix").isFalse();
        assertThat(Regions.matches("US-*", "UK")).isFalse();
        assertThat(Regions.matches("E*", "EU")).isTrue();
        assertThat(Regions.matches("*", "BR")).isTrue();
    }

    @Test
    void onlyTheWildcardOfEverythingCoversAnUnknownRegion() {
        assertThat(Regions.matches("*", null)).isTrue();
        assertThat(Regions.matches("*", "  ")).isTrue();
        assertThat(Regions.matches("US-*", null)).isFalse();
        assertThat(Regions.matches("US-*", "")).isFalse();
        assertThat(Regions.matches(null, "US-CA")).isFalse();
    }

    @Test
    void lookupPrefersTheExactCodeThenTheLongestWildcard() {
        Map<String, String> byPattern = Map.of("US-CA", "exact", "US-*", "country", "U*", "broad", "*", "all");

        assertThat(Regions.lookup(byPattern, "US-CA", v -> true)).hasValue("exact");
        assertThat(Regions.lookup(byPattern, "US-NY", v -> true)).hasValue("country");
        assertThat(Regions.lookup(byPattern, "UK", v -> true)).hasValue("broad");
        assertThat(Regions.lookup(byPattern, "US-NY", v -> !v.equals("country"))).hasValue("broad");
    }
}
