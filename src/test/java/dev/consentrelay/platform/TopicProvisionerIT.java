package dev.consentrelay.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsResult;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import dev.consentrelay.platform.TopicProvisioner.TopicSpec;
import dev.consentrelay.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TopicProvisionerIT {

    private static final Map<String, String> COMPACT = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT);

    @Test
    void shouldCreateMissingTopicsWithCompactionForTables() throws Exception {
        String table = "table-" + UUID.randomUUID();
        String stream = "stream-" + UUID.randomUUID();
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            Set<String> created = new TopicProvisioner(admin, true).ensure(List.of(
                    new TopicSpec(table, 2, Optional.empty(), COMPACT),
                    new TopicSpec(stream, 3, Optional.empty(), Map.of())));

            assertThat(created).containsExactlyInAnyOrder(table, stream);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, table);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(stream)).allTopicNames().get(30, TimeUnit.SECONDS).get(stream)
                    .partitions()).hasSize(3);

            // A second start finds everything in place and creates nothing.
            assertThat(new TopicProvisioner(admin, true).ensure(List.of(
                    new TopicSpec(table, 2, Optional.empty(), COMPACT)))).isEmpty();
        }
    }

    @Test
    void shouldFailFastNamingMissingTopicsWhenCreationIsNotAllowed() {
        String missing = "missing-" + UUID.randomUUID();
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            assertThatThrownBy(() -> new TopicProvisioner(admin, false).ensure(List.of(
                    new TopicSpec(missing, 1, Optional.empty(), Map.of()))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(missing)
                    .hasMessageContaining("consent-relay.topics.create=false");
        }
    }

    @Test
    void shouldRefuseTableTopicThatIsNotCompacted() {
        String table = "not-compacted-" + UUID.randomUUID();
        TestKafka.createTopics(1, table);
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            assertThatThrownBy(() -> new TopicProvisioner(admin, true).ensure(List.of(
                    new TopicSpec(table, 1, Optional.empty(), COMPACT))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(table)
                    .hasMessageContaining("must be compacted");
        }
    }

    @Test
    void shouldBringTheRetentionAndErasureHorizonOfExistingTopicsToTheConfiguredBounds() throws Exception {
        String deadLetters = "dead-letters-" + UUID.randomUUID();
        String rows = "rows-" + UUID.randomUUID();
        TestKafka.createTopics(1, deadLetters);
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            new TopicProvisioner(admin, true).ensure(List.of(new TopicSpec(rows, 1, Optional.empty(), COMPACT)));

            // A later release bounds how long they keep personal data.
            new TopicProvisioner(admin, true).ensure(List.of(
                    new TopicSpec(deadLetters, 1, Optional.empty(), Map.of(TopicConfig.RETENTION_MS_CONFIG,
                            "2592000000")),
                    new TopicSpec(rows, 1, Optional.empty(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                            "604800000"))));

            // The brokers apply an acknowledged config change to what they describe a moment later: wait for it.
            await("the bounds on the existing topics").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(config(admin, deadLetters).get(TopicConfig.RETENTION_MS_CONFIG).value())
                        .isEqualTo("2592000000");
                assertThat(config(admin, rows).get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).value())
                        .isEqualTo("604800000");
            });
            assertThat(config(admin, rows).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldAlignATopicThatExistsButWasNotYetListed() throws Exception {
        String rows = "rows-" + UUID.randomUUID();
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            ListTopicsResult beforeCreation = listing(admin);
            new TopicProvisioner(admin, true).ensure(List.of(new TopicSpec(rows, 1, Optional.empty(), COMPACT)));

            // The next start's listing does not show the topic yet (a broker that has not seen its creation):
            // creating it answers that it exists, and its settings must still be brought to the configured bounds.
            try (Admin lagging = new StaleListingAdmin(beforeCreation)) {
                Set<String> created = new TopicProvisioner(lagging, true).ensure(List.of(new TopicSpec(rows, 1,
                        Optional.empty(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                                TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, "604800000"))));
                assertThat(created).isEmpty();
            }
            await("the erasure horizon on the topic").atMost(Duration.ofSeconds(30)).untilAsserted(
                    () -> assertThat(config(admin, rows).get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).value())
                            .isEqualTo("604800000"));
        }
    }

    @Test
    void shouldRefuseATableTopicThatExistsUncompactedButWasNotYetListed() throws Exception {
        String table = "not-compacted-" + UUID.randomUUID();
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            ListTopicsResult beforeCreation = listing(admin);
            TestKafka.createTopics(1, table);

            try (Admin lagging = new StaleListingAdmin(beforeCreation)) {
                assertThatThrownBy(() -> new TopicProvisioner(lagging, true).ensure(List.of(
                        new TopicSpec(table, 1, Optional.empty(), COMPACT))))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(table)
                        .hasMessageContaining("must be compacted");
            }
        }
    }

    /** The topic listing as of now, complete, to be handed out later as a stale one. */
    private static ListTopicsResult listing(Admin admin) throws Exception {
        ListTopicsResult listing = admin.listTopics();
        listing.names().get(30, TimeUnit.SECONDS);
        return listing;
    }

    /** A real client whose first topic listing is one taken earlier, as from a broker that lags behind. */
    private static final class StaleListingAdmin extends ForwardingAdmin {

        private ListTopicsResult stale;

        StaleListingAdmin(ListTopicsResult stale) {
            super(TestKafka.clientConfig());
            this.stale = stale;
        }

        @Override
        public ListTopicsResult listTopics(ListTopicsOptions options) {
            ListTopicsResult first = stale;
            stale = null;
            return first != null ? first : super.listTopics(options);
        }
    }

    private static Config config(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }
}
