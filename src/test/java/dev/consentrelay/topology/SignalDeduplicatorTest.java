package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignalDeduplicatorTest {

    private static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final String SIGNAL = "5d0c2e7a-0b7e-4a53-9a8e-3c1f2b0c9d11";

    private SignalDeduplicator deduplicator;

    @BeforeEach
    void setUp() {
        MapWindowStore<Long> store = new MapWindowStore<>(StoreNames.SIGNAL_DEDUP);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        deduplicator = new SignalDeduplicator(store, WINDOW);
    }

    @Test
    void shouldNotHaveSeenAnUnknownSignal() {
        assertThat(deduplicator.seen(SIGNAL, NOW)).isFalse();
    }

    @Test
    void shouldHaveSeenSignalRememberedWithinTheWindow() {
        deduplicator.remember(SIGNAL, NOW);

        assertThat(deduplicator.seen(SIGNAL, NOW.plus(WINDOW).minusMillis(1))).isTrue();
    }

    @Test
    void shouldHaveSeenSignalAtTheEdgeOfTheWindow() {
        deduplicator.remember(SIGNAL, NOW);

        assertThat(deduplicator.seen(SIGNAL, NOW.plus(WINDOW))).isTrue();
    }

    @Test
    void shouldNotHaveSeenSignalAfterTheWindow() {
        deduplicator.remember(SIGNAL, NOW);

        assertThat(deduplicator.seen(SIGNAL, NOW.plus(WINDOW).plusMillis(1))).isFalse();
    }

    @Test
    void shouldNotConfuseDifferentSignals() {
        deduplicator.remember(SIGNAL, NOW);

        assertThat(deduplicator.seen("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", NOW)).isFalse();
    }
}
