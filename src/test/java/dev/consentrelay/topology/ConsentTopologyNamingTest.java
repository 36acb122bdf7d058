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
        TopologyDescription description = ConsentTopology.builder(TopicNames.defaults(),
                Policy.defaults(), new InMemorySchemaRegistryClient("naming")).build().describe();

        assertThat(description.toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                .doesNotContain("KSTORE-");
        assertThat(description.toString()).contains(StoreNames.CONSENT_TABLE,
                StoreNames.GRANT_EXPIRY_INDEX, StoreNames.VENDORS, "signals-by-subject",
                StoreNames.SIGNAL_PROPAGATION, StoreNames.PROPAGATION_ANSWERS, StoreNames.PROPAGATION_DEADLINES,
                StoreNames.SIGNAL_SUBJECTS);
        assertThat(description.toString()).as("v1's tracking re-keyed by signal id; nothing is re-keyed now")
                .doesNotContain("commands-by-signal", "decisions-by-signal", "refusals-by-signal", "early-acks",
                        "signal-dedup");
    }

    @Test
    void everythingAboutASubjectIsOneSubTopology() {
        TopologyDescription description = ConsentTopology.builder(TopicNames.defaults(),
                Policy.defaults(), new InMemorySchemaRegistryClient("naming")).build().describe();
        TopicNames topics = TopicNames.defaults();

        TopologyDescription.Subtopology subject = description.subtopologies().stream()
                .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals("apply-signal")))
                .findFirst().orElseThrow();

        assertThat(subject.nodes()).extracting(TopologyDescription.Node::name)
                .contains("decode-signal", "apply-signal", "track-propagation", "backfill-vendors");
        assertThat(subject.nodes()).filteredOn(TopologyDescription.Source.class::isInstance)
                .flatExtracting(n -> ((TopologyDescription.Source) n).topicSet())
                .containsExactlyInAnyOrder(topics.signals(), topics.gpcSignals(), topics.commandAcks(),
                        "signals-by-subject-repartition");
    }
}
