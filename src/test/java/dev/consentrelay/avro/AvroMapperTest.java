package dev.consentrelay.avro;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.PurposeChoice;
import dev.consentrelay.domain.PurposeStatus;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.SignalKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Domain → Avro → domain gives back what went in, for every record that crosses a topic. */
class AvroMapperTest {

    private static final Instant T0 = Instant.parse("2026-11-20T09:00:00.123Z");
    private static final SubjectIdentifier EMAIL = new SubjectIdentifier("email_sha256",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    private static final SubjectIdentifier DEVICE = new SubjectIdentifier("device_id", "device-7");
    private static final String SIGNAL_ID = "5d0c2e7a-0b7e-4a53-9a8e-3c1f2b0c9d11";
    private static final String OTHER_SIGNAL_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

    @Test
    void shouldRoundTripConsentSignal() {
        Signal signal = new Signal(SIGNAL_ID, "user-1", List.of(EMAIL, DEVICE), Signal.Kind.WITHDRAWAL,
                Set.of("analytics", "advertising"), "EU", Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01",
                T0, T0.plusMillis(250), true);

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(signal))).isEqualTo(signal);
    }

    @Test
    void shouldRoundTripConsentSignalWithoutOptionalFields() {
        Signal signal = new Signal(SIGNAL_ID, "user-1", List.of(), Signal.Kind.GPC, Set.of(), null,
                Signal.Source.BROWSER_GPC, null, null, T0, null, false);

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(signal))).isEqualTo(signal);
    }

    @Test
    void shouldRoundTripSubjectConsentWithGpcExpiryAndErasure() {
        SubjectConsent row = new SubjectConsent("user-1", "EU", List.of(EMAIL, DEVICE), Map.of(
                "analytics", new PurposeChoice(PurposeStatus.GRANTED, T0, SIGNAL_ID, Signal.Source.WEB_BANNER,
                        "toggle", "2026-11-01", T0.plus(Duration.ofDays(395))),
                "advertising", new PurposeChoice(PurposeStatus.DENIED, T0.plusSeconds(60), OTHER_SIGNAL_ID,
                        Signal.Source.SUPPORT, "verbal", "2026-11-01", null),
                "email_marketing", new PurposeChoice(PurposeStatus.WITHDRAWN, T0, SIGNAL_ID, Signal.Source.API,
                        "expired", "2026-10-01", T0.minusSeconds(1))),
                new SubjectConsent.Gpc(true, T0.minusSeconds(3600), T0), T0.plusSeconds(120), T0.plusSeconds(120),
                OTHER_SIGNAL_ID);

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(row))).isEqualTo(row);
    }

    @Test
    void shouldRoundTripSubjectConsentWithoutGpcOrErasure() {
        SubjectConsent row = new SubjectConsent("user-1", null, List.of(EMAIL), Map.of(), null, null, T0, SIGNAL_ID);

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(row))).isEqualTo(row);
    }

    @Test
    void shouldRoundTripVendor() {
        Vendor vendor = new Vendor("mailer", "Mailer Inc.", Vendor.Kind.VENDOR, null, Set.of("email_marketing"),
                Set.of("EU", "US-*"), EnumSet.allOf(Command.Action.class), Set.of("email_sha256"),
                Duration.ofMinutes(30), true);

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(vendor))).isEqualTo(vendor);
    }

    @Test
    void shouldRoundTripSubProcessor() {
        Vendor vendor = new Vendor("mailer-cdn", "Mailer CDN", Vendor.Kind.SUB_PROCESSOR, "mailer", Set.of(),
                Set.of(), EnumSet.of(Command.Action.SUPPRESS), Set.of(), Duration.ofHours(2), false);

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(vendor))).isEqualTo(vendor);
    }

    @Test
    void shouldRoundTripCommand() {
        Command command = new Command("7c9e6679-7425-40de-944b-e07fc1f90ae7", SIGNAL_ID, "user-1", "adnet",
                Command.Action.SUPPRESS, Set.of("advertising", "sale_sharing"), List.of(EMAIL, DEVICE),
                "OPT_OUT of advertising, sale_sharing in US-CA", "US-CA", "2026-11-01", T0, T0.plusMillis(40),
                T0.plus(Duration.ofMinutes(10)));

        assertThat(AvroMapper.toDomain(AvroMapper.toAvro(command))).isEqualTo(command);
    }

    @Test
    void shouldMapEveryDomainConstantToTheAvroSymbolOfTheSameNameAndBack() {
        for (Signal.Kind kind : Signal.Kind.values()) {
            SignalKind avro = AvroMapper.enumToAvro(kind, AvroMapper.SIGNAL_KIND_OUT);
            assertThat(avro.name()).isEqualTo(kind.name());
            assertThat(AvroMapper.enumToDomain(avro, AvroMapper.SIGNAL_KIND)).isSameAs(kind);
        }
        for (Command.Action action : Command.Action.values()) {
            assertThat(AvroMapper.enumToAvro(action, AvroMapper.ACTION_OUT).name()).isEqualTo(action.name());
        }
        assertThat(AvroMapper.enumToAvro(null, AvroMapper.SIGNAL_KIND_OUT)).isEqualTo(SignalKind.UNKNOWN);
    }

    @Test
    void shouldMapAnAvroSymbolTheDomainDoesNotKnowToNull() {
        assertThat(AvroMapper.enumToDomain(SignalKind.UNKNOWN, AvroMapper.SIGNAL_KIND)).isNull();
        assertThat(AvroMapper.enumToDomain((SignalKind) null, AvroMapper.SIGNAL_KIND)).isNull();
        // a symbol with no domain constant of its name: the same enum mapped to one that lacks it
        assertThat(AvroMapper.enumToDomain(Signal.Kind.GPC,
                AvroMapper.SameName.of(Signal.Kind.class, Command.Action.class))).isNull();
    }

    @Test
    void shouldRefuseADomainConstantTheSchemaDoesNotKnow() {
        assertThatThrownBy(() -> AvroMapper.enumToAvro(Signal.Kind.GPC,
                AvroMapper.SameName.of(Signal.Kind.class, CommandAction.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No enum constant dev.consentrelay.schema.CommandAction.GPC");
    }
}
