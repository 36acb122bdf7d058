package dev.consentrelay.platform;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamThreadRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void shouldReplaceAThreadThatFailedOnAPassingError() {
        StreamThreadRecovery recovery = new StreamThreadRecovery(() -> T0);

        assertThat(recovery.handle(new StreamsException(new TimeoutException("broker gone"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldStopInsteadOfReplacingForeverWhenTheSameFailureKeepsComingBack() {
        StreamThreadRecovery recovery = new StreamThreadRecovery(() -> T0);
        StreamsException failure = new StreamsException(new IllegalStateException("always"));

        for (int i = 0; i < StreamThreadRecovery.MAX_REPLACEMENTS; i++) {
            assertThat(recovery.handle(failure)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        assertThat(recovery.handle(failure)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldForgetReplacementsOlderThanTheWindow() {
        AtomicReference<Instant> clock = new AtomicReference<>(T0);
        StreamThreadRecovery recovery = new StreamThreadRecovery(clock::get);
        StreamsException failure = new StreamsException(new IllegalStateException("now and then"));
        for (int i = 0; i < StreamThreadRecovery.MAX_REPLACEMENTS; i++) {
            recovery.handle(failure);
        }

        clock.set(T0.plus(StreamThreadRecovery.WINDOW).plusSeconds(1));

        assertThat(recovery.handle(failure)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldStopAtOnceWhenAStoredValueCannotBeDecoded() {
        StreamThreadRecovery recovery = new StreamThreadRecovery(() -> T0);
        SerializationException undecodable = new SerializationException("Could not decode value on topic"
                + " consent-relay-consent-table-changelog written with schema id 2"
                + " (dev.consentrelay.schema.ConsentSignal)"
                + " into dev.consentrelay.schema.SubjectConsentState");

        assertThat(recovery.handle(new StreamsException("Exception caught in process", undecodable)))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(StreamThreadRecovery.unreadableState(new StreamsException(undecodable))).hasValueSatisfying(
                message -> assertThat(message).contains("consent-relay-consent-table-changelog")
                        .contains("delete the state directory"));
    }

    @Test
    void shouldNotTakeABadInputRecordForBadState() {
        SerializationException badInput = new SerializationException("Could not decode value on topic"
                + " consent.signals.v1 written with schema id 9");

        assertThat(StreamThreadRecovery.unreadableState(new StreamsException(badInput))).isEmpty();
    }
}
