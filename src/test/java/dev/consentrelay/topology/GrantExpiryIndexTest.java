package dev.consentrelay.topology;

import java.time.Instant;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GrantExpiryIndexTest {

    private static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");

    private KeyValueStore<String, String> store;
    private GrantExpiryIndex index;

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.GRANT_EXPIRY_INDEX),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        index = new GrantExpiryIndex(store);
    }

    @Test
    void shouldReturnOnlyEntriesDueAtOrBeforeNow() {
        add("due-earlier", NOW.minusSeconds(60));
        add("due-now", NOW);
        add("not-due", NOW.plusMillis(1));

        assertThat(index.due(NOW, 10)).extracting(GrantExpiryIndex.Due::subjectId)
                .containsExactly("due-earlier", "due-now");
    }

    @Test
    void shouldReturnEarliestFirst() {
        add("third", NOW.minusSeconds(1));
        add("first", NOW.minusSeconds(300));
        add("second", NOW.minusSeconds(20));

        assertThat(index.due(NOW, 10)).containsExactly(new GrantExpiryIndex.Due(NOW.minusSeconds(300), "first"),
                new GrantExpiryIndex.Due(NOW.minusSeconds(20), "second"),
                new GrantExpiryIndex.Due(NOW.minusSeconds(1), "third"));
    }

    @Test
    void shouldReturnNoMoreThanTheLimit() {
        add("a", NOW.minusSeconds(3));
        add("b", NOW.minusSeconds(2));
        add("c", NOW.minusSeconds(1));

        assertThat(index.due(NOW, 2)).extracting(GrantExpiryIndex.Due::subjectId).containsExactly("a", "b");
    }

    @Test
    void shouldMoveEntryToItsNextExpiry() {
        add("user-1", NOW.minusSeconds(10));

        index.update("user-1", Optional.of(NOW.minusSeconds(10)), Optional.of(NOW.plusSeconds(3600)));

        assertThat(index.due(NOW, 10)).isEmpty();
        assertThat(index.due(NOW.plusSeconds(3600), 10)).containsExactly(
                new GrantExpiryIndex.Due(NOW.plusSeconds(3600), "user-1"));
        assertThat(store.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldDropEntryWhenThereIsNoNextExpiry() {
        add("user-1", NOW.minusSeconds(10));

        index.update("user-1", Optional.of(NOW.minusSeconds(10)), Optional.empty());

        assertThat(index.due(NOW, 10)).isEmpty();
    }

    @Test
    void shouldRemoveOneEntry() {
        add("user-1", NOW.minusSeconds(10));
        add("user-2", NOW.minusSeconds(10));

        index.remove(new GrantExpiryIndex.Due(NOW.minusSeconds(10), "user-1"));

        assertThat(index.due(NOW, 10)).extracting(GrantExpiryIndex.Due::subjectId).containsExactly("user-2");
    }

    @Test
    void shouldOrderKeysNumericallyAcrossDigitCounts() {
        // 9 999 999 999 ms has ten digits, 10 000 000 000 ms eleven: unpadded, "100..." would sort first.
        Instant tenDigits = Instant.ofEpochMilli(9_999_999_999L);
        Instant elevenDigits = Instant.ofEpochMilli(10_000_000_000L);
        add("later", elevenDigits);
        add("earlier", tenDigits);

        assertThat(GrantExpiryIndex.key(tenDigits, "x")).isLessThan(GrantExpiryIndex.key(elevenDigits, "x"));
        assertThat(index.due(NOW, 10)).extracting(GrantExpiryIndex.Due::subjectId).containsExactly("earlier",
                "later");
    }

    @Test
    void shouldKeyByPaddedMillisAndSubject() {
        assertThat(GrantExpiryIndex.key(Instant.ofEpochMilli(42), "user-1")).isEqualTo("0000000000042|user-1");
    }

    private void add(String subjectId, Instant at) {
        index.update(subjectId, Optional.empty(), Optional.of(at));
    }
}
