package dev.consentrelay.api;

import java.util.Set;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InteractiveQueriesTest {

    private static final HostInfo SELF = new HostInfo("localhost", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.7", 8080);

    private static KeyQueryMetadata ownedBy(HostInfo host) {
        return new KeyQueryMetadata(host, Set.of(), 1);
    }

    @Test
    void shouldAnswerFoundWhenTheKeyIsHereAndInTheStore() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, ownedBy(SELF), SELF, () -> "row"))
                .isEqualTo(new QueryResult.Found<>("row"));
    }

    @Test
    void shouldAnswerNotFoundWhenTheKeyIsHereButNotInTheStore() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, ownedBy(SELF), SELF, () -> null))
                .isEqualTo(new QueryResult.NotFound<>());
    }

    @Test
    void shouldNameTheOwnerWhenTheKeyLivesElsewhere() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, ownedBy(OTHER), SELF, () -> {
            throw new AssertionError("must not read the local store");
        })).isEqualTo(new QueryResult.Elsewhere<>("10.0.0.7", 8080));
    }

    @Test
    void shouldTreatLoopbackAddressAndLocalhostAsTheSameHost() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, ownedBy(new HostInfo("127.0.0.1", 8080)),
                SELF, () -> "row")).isEqualTo(new QueryResult.Found<>("row"));
    }

    @Test
    void shouldBeUnavailableWhileRebalancing() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.REBALANCING, ownedBy(SELF), SELF, () -> "row"))
                .isInstanceOf(QueryResult.Unavailable.class);
    }

    @Test
    void shouldBeUnavailableWhenTheMetadataIsNotKnownYet() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, KeyQueryMetadata.NOT_AVAILABLE, SELF,
                () -> "row")).isInstanceOf(QueryResult.Unavailable.class);
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, null, SELF, () -> "row"))
                .isInstanceOf(QueryResult.Unavailable.class);
    }

    @Test
    void shouldBeUnavailableWhileTheStoreIsRestoring() {
        assertThat(InteractiveQueries.route(KafkaStreams.State.RUNNING, ownedBy(SELF), SELF, () -> {
            throw new InvalidStateStoreException("restoring");
        })).isInstanceOf(QueryResult.Unavailable.class);
    }
}
