package dev.consentrelay.ingest;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.consentrelay.domain.Signal;

import static org.assertj.core.api.Assertions.assertThat;

class GpcCaptureTest {

    @ParameterizedTest
    @CsvSource(value = {"1,true", " 1 ,true", "0,false", "true,false", "11,false", "NULL,false",
            "'',false"}, nullValues = "NULL")
    void shouldCountOnlyTheValueOne(String header, boolean on) {
        assertThat(GpcCapture.isGpcOn(header)).isEqualTo(on);
    }

    @ParameterizedTest
    @CsvSource(value = {"US,CA,US-CA", "us,ca,US-CA", "US,US-TX,US-TX", "US,NULL,US", "DE,BY,EU", "FR,NULL,EU",
            "GB,ENG,UK", "CA,ON,CA", "BR,SP,BR", "XX,NULL,NULL", "T1,NULL,NULL", "NULL,NULL,NULL",
            "USA,NULL,NULL"}, nullValues = "NULL")
    void shouldMapGeoHeadersToConsentRegions(String country, String subdivision, String region) {
        assertThat(GpcCapture.region(country, subdivision)).isEqualTo(region);
    }

    @Test
    void shouldTakeTheSubjectFromHeaderThenCookieThenQuery() {
        assertThat(GpcCapture.subject("h", "c", "q")).contains("h");
        assertThat(GpcCapture.subject(" ", "c", "q")).contains("c");
        assertThat(GpcCapture.subject(null, null, "q")).contains("q");
        assertThat(GpcCapture.subject(null, null, null)).isEmpty();
    }

    @Test
    void shouldBuildAGpcSignalWithARandomId() {
        Instant now = Instant.parse("2026-11-05T15:00:00Z");
        Signal first = GpcCapture.signal("s1", "US-CA", now);
        Signal second = GpcCapture.signal("s1", "US-CA", now);

        assertThat(first.signalId()).isNotEqualTo(second.signalId());
        assertThat(first.kind()).isEqualTo(Signal.Kind.GPC);
        assertThat(first.source()).isEqualTo(Signal.Source.BROWSER_GPC);
        assertThat(first.method()).isEqualTo("header:Sec-GPC");
        assertThat(first.purposes()).isEmpty();
        assertThat(first.occurredAt()).isEqualTo(now);
        assertThat(first.receivedAt()).isEqualTo(now);
    }
}
