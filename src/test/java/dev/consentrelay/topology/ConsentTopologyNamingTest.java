package dev.consentrelay.topology;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Changelog and repartition topics are named after operators and stores: none may have a generated name. */
class ConsentTopologyNamingTest {

    @Test
    void everyOperatorAndStoreHasAnExplicitName() {
        TopologyDescription description = ConsentTopology.build(ConsentTopology.Settings.of(TopicNames.defaults(),
                Policy.defaults(), new InMemorySchemaRegistryClient("naming"))).describe();

        assertThat(description.toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                .doesNotContain("KSTORE-");
        assertThat(description.toString()).contains(StoreNames.CONSENT_TABLE, StoreNames.SIGNAL_DEDUP,
                StoreNames.GRANT_EXPIRY_INDEX, StoreNames.VENDORS, "signals-by-subject", StoreNames.PENDING_COMMANDS,
                StoreNames.EARLY_ACKS, StoreNames.EARLY_ACK_INDEX, "commands-by-signal", StoreNames.SIGNAL_DECISIONS,
                "decisions-by-signal", "refusals-by-signal");
    }
}
