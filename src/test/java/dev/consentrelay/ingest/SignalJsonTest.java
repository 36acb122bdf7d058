package dev.consentrelay.ingest;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Violation;

import static org.assertj.core.api.Assertions.assertThat;

class SignalJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-05T15:00:00Z");

    @Test
    void shouldReadEveryFieldAndSetReceivedAt() throws Exception {
        ParsedSignal parsed = SignalJson.parse(MAPPER.readTree("""
                {"signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "subjectId": "s1",
                 "identifiers": [{"type": "email_sha256", "value": "ab"}], "kind": "OPT_OUT",
                 "purposes": ["advertising"], "region": "US-CA", "source": "PREFERENCE_CENTER", "method": "toggle",
                 "policyVersion": "2026-11-01", "occurredAt": "2026-11-05T14:03:00+01:00", "erase": false}"""), NOW,
                Signal.Source.API);

        assertThat(parsed.violations()).isEmpty();
        assertThat(parsed.signal()).isEqualTo(new Signal("0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "s1",
                List.of(new SubjectIdentifier("email_sha256", "ab")), Signal.Kind.OPT_OUT,
                java.util.Set.of("advertising"),
                "US-CA", Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01",
                Instant.parse("2026-11-05T13:03:00Z"), NOW, false));
    }

    @Test
    void shouldDefaultTheSourceWhenAbsent() throws Exception {
        ParsedSignal parsed = SignalJson.parse(MAPPER.readTree("{\"kind\": \"OPT_OUT\"}"), NOW, Signal.Source.API);

        assertThat(parsed.signal().source()).isEqualTo(Signal.Source.API);
    }

    @Test
    void shouldReportEveryJsonLevelProblemByField() throws Exception {
        ParsedSignal parsed = SignalJson.parse(MAPPER.readTree("""
                {"subjectId": 7, "kind": "OPTOUT", "purpose": ["ads"], "source": "FAX", "occurredAt": "yesterday",
                 "identifiers": [{"type": "email_sha256"}], "erase": "yes", "receivedAt": "2026-01-01T00:00:00Z"}"""),
                NOW, Signal.Source.API);

        assertThat(parsed.violations()).extracting(Violation::field).containsExactlyInAnyOrder("purpose",
                "receivedAt", "subjectId", "identifiers[0]", "kind", "source", "occurredAt", "erase");
        assertThat(parsed.violations()).filteredOn(v -> v.field().equals("kind")).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("OPTOUT").contains("OPT_OUT"));
        assertThat(parsed.violations()).filteredOn(v -> v.field().equals("occurredAt")).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("ISO-8601"));
    }

    @Test
    void shouldRefuseABodyThatIsNotAnObject() throws Exception {
        ParsedSignal parsed = SignalJson.parse(MAPPER.readTree("[1]"), NOW, Signal.Source.API);

        assertThat(parsed.signal()).isNull();
        assertThat(parsed.violations()).extracting(Violation::field).containsExactly("body");
    }

    @Test
    void shouldReadTheLinkedSubjectOfALink() throws Exception {
        ParsedSignal parsed = SignalJson.parse(MAPPER.readTree("""
                {"subjectId": "device-1", "kind": "LINK", "linkedSubjectId": "account-1", "method": "login",
                 "occurredAt": "2026-11-05T14:03:00Z"}"""), NOW, Signal.Source.API);

        assertThat(parsed.violations()).isEmpty();
        assertThat(parsed.signal().kind()).isEqualTo(Signal.Kind.LINK);
        assertThat(parsed.signal().linkedSubjectId()).isEqualTo("account-1");
    }
}
