package dev.consentrelay.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.consentrelay.domain.Fixtures.T0;
import static dev.consentrelay.domain.Fixtures.signal;
import static org.assertj.core.api.Assertions.assertThat;

class SignalValidatorTest {

    private final SignalValidator validator = new SignalValidator(Policy.defaults());

    static Stream<Arguments> invalidSignals() {
        return Stream.of(
                Arguments.of("missing signal id", signal(Signal.Kind.OPT_OUT).id(null), "signalId",
                        "signalId is required"),
                Arguments.of("blank signal id", signal(Signal.Kind.OPT_OUT).id(" "), "signalId",
                        "signalId is required"),
                Arguments.of("signal id not a UUID", signal(Signal.Kind.OPT_OUT).id("abc-1"), "signalId",
                        "signalId 'abc-1' is not a UUID"),
                Arguments.of("missing subject id", signal(Signal.Kind.OPT_OUT).subject(""), "subjectId",
                        "subjectId is required"),
                Arguments.of("missing occurredAt", signal(Signal.Kind.OPT_OUT).at(null), "occurredAt",
                        "occurredAt is required"),
                Arguments.of("occurredAt beyond the skew",
                        signal(Signal.Kind.OPT_OUT).at(T0.plus(Duration.ofMinutes(6))),
                        "occurredAt", "is in the future"),
                Arguments.of("unknown purpose", signal(Signal.Kind.OPT_OUT).purposes("analytics", "telepathy"),
                        "purposes", "unknown purpose 'telepathy'; the catalogue is email_marketing, sms_marketing,"),
                Arguments.of("opt-in without purposes", signal(Signal.Kind.OPT_IN), "purposes",
                        "an opt-in must name the purposes it grants"),
                Arguments.of("opt-in from a pre-checked box",
                        signal(Signal.Kind.OPT_IN).purposes("analytics").method("pre_checked_box"), "method",
                        "method 'pre_checked_box' is not an affirmative act: a pre-checked box is not consent"),
                Arguments.of("opt-in without a method", signal(Signal.Kind.OPT_IN).purposes("analytics").method(null),
                        "method", "an opt-in must record the affirmative act"),
                Arguments.of("opt-in with an unknown method",
                        signal(Signal.Kind.OPT_IN).purposes("analytics").method("telepathy"), "method",
                        "method 'telepathy' is not an affirmative act: accepted methods are"),
                Arguments.of("malformed region", signal(Signal.Kind.OPT_OUT).region("us-california"), "region",
                        "region 'us-california' is not a region code"),
                Arguments.of("a 5,000-character subject id", signal(Signal.Kind.OPT_OUT).subject("s".repeat(5_000)),
                        "subjectId", "subjectId has 5000 characters; at most 256"),
                Arguments.of("200 identifiers", signal(Signal.Kind.OPT_OUT).identifiers(identifiers(200, 10)),
                        "identifiers", "200 identifiers; at most 32"),
                Arguments.of("a 3,000-character identifier", signal(Signal.Kind.OPT_OUT).identifiers(identifiers(1,
                        3_000)), "identifiers[0]", "its value at most 256"),
                Arguments.of("an unknown identifier type",
                        signal(Signal.Kind.OPT_OUT).identifiers(new SubjectIdentifier("passport_no", "X1234567")),
                        "identifiers[0]", "identifier type 'passport_no' is not one of account_id, cookie_id,"),
                Arguments.of("a plain e-mail address sent as a hash",
                        signal(Signal.Kind.OPT_OUT)
                                .identifiers(new SubjectIdentifier("email_sha256", "ann@example.com")),
                        "identifiers[0]", "a email_sha256 value is a SHA-256 digest: 64 hex digits"),
                Arguments.of("a link without the other subject", signal(Signal.Kind.LINK), "linkedSubjectId",
                        "a LINK names the other subject in linkedSubjectId"),
                Arguments.of("a link to itself", signal(Signal.Kind.LINK).linked(Fixtures.SUBJECT), "linkedSubjectId",
                        "a subject cannot be linked to itself"),
                Arguments.of("a link naming purposes", signal(Signal.Kind.LINK).linked("account-1")
                        .purposes("analytics"), "purposes", "a LINK names no purposes"),
                Arguments.of("source LINK on an opt-in", signal(Signal.Kind.OPT_IN).purposes("analytics")
                        .source(Signal.Source.LINK), "source", "source LINK is the service's own"),
                Arguments.of("a 500-character method", signal(Signal.Kind.OPT_OUT).method("m".repeat(500)), "method",
                        "method has 500 characters; at most 128"));
    }

    private static SubjectIdentifier[] identifiers(int count, int length) {
        SubjectIdentifier[] identifiers = new SubjectIdentifier[count];
        for (int i = 0; i < count; i++) {
            identifiers[i] = new SubjectIdentifier("device_id",
                    String.valueOf(i) + "x".repeat(Math.max(0, length - 4)));
        }
        return identifiers;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSignals")
    void shouldRejectInvalidSignalWithActionableMessage(String name, Fixtures.SignalBuilder signal, String field,
            String message) {
        ValidationResult result = validator.validate(signal.build(), T0);

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).anySatisfy(violation -> {
            assertThat(violation.field()).isEqualTo(field);
            assertThat(violation.message()).contains(message);
        });
    }

    @Test
    void shouldRejectMissingKind() {
        Signal valid = signal(Signal.Kind.OPT_OUT).build();
        Signal noKind = new Signal(valid.signalId(), valid.subjectId(), valid.identifiers(), null,
                valid.purposes(), valid.region(), valid.source(), valid.method(), valid.policyVersion(),
                valid.occurredAt(), valid.receivedAt(), false);

        assertThat(validator.validate(noKind, T0).violations()).extracting(Violation::field).containsExactly("kind");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pre_checked_box", "prechecked", "pre-checked", "default", "implied", "inactivity",
            "scroll", "", "  ", "PRE_CHECKED_BOX"})
    void shouldRejectOptInWithoutAnAffirmativeAct(String method) {
        ValidationResult result = validator.validate(signal(Signal.Kind.OPT_IN).purposes("analytics").method(method)
                .build(), T0);

        assertThat(result.violations()).extracting(Violation::field).containsExactly("method");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unchecked_box", "toggle", "button", "link", "checkbox", "double_opt_in", "signed_form",
            "written", "verbal", "reply_yes", "api", "Toggle"})
    void shouldAcceptOptInWithAnAffirmativeMethod(String method) {
        assertThat(validator.validate(signal(Signal.Kind.OPT_IN).purposes("analytics").method(method).build(), T0)
                .isValid()).isTrue();
    }

    @Test
    void shouldReportEveryViolationAtOnce() {
        Signal signal = signal(Signal.Kind.OPT_IN).id("nope").subject(null).region("Europe")
                .method("pre_checked_box").build();

        ValidationResult result = validator.validate(signal, T0);

        assertThat(result.violations()).extracting(Violation::field)
                .containsExactly("signalId", "subjectId", "purposes", "method", "region");
        assertThat(result.summary()).contains("signalId: signalId 'nope' is not a UUID")
                .contains("region: region 'Europe'");
    }

    @Test
    void shouldAcceptOccurredAtWithinTheClockSkew() {
        Signal signal = signal(Signal.Kind.OPT_OUT).at(T0.plus(Duration.ofMinutes(5))).build();

        assertThat(validator.validate(signal, T0).isValid()).isTrue();
    }

    @Test
    void shouldIgnoreEraseOnKindsOtherThanWithdrawalAndErasure() {
        assertThat(validator.validate(signal(Signal.Kind.OPT_OUT).erase().build(), T0).isValid()).isTrue();
        assertThat(validator.validate(signal(Signal.Kind.GPC).erase().build(), T0).isValid()).isTrue();
    }

    @Test
    void shouldAcceptRefusalsForAllPurposesAndBlankOrUnknownRegions() {
        assertThat(validator.validate(signal(Signal.Kind.OPT_OUT).region(null).build(), T0).isValid()).isTrue();
        assertThat(validator.validate(signal(Signal.Kind.WITHDRAWAL).region(" ").build(), T0).isValid()).isTrue();
        assertThat(validator.validate(signal(Signal.Kind.ERASURE).region("BR").build(), T0).isValid()).isTrue();
        assertThat(validator.validate(signal(Signal.Kind.GPC).region("US-123").build(), T0).isValid()).isTrue();
    }

    @Test
    void shouldRejectAMissingSignal() {
        assertThat(validator.validate(null, Instant.EPOCH).violations()).extracting(Violation::field)
                .containsExactly("signal");
    }
}
