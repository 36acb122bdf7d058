package dev.consentrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

import dev.consentrelay.topology.Topic;

/**
 * The one way topology tests run the consent topology: a {@link TopologyTestDriver} over the topology built by
 * {@code ConsentTopology.builder}, as production builds it, with exactly-once processing and the wall clock at
 * {@code now}. No Quarkus, no broker.
 */
public final class TopologyFixture {

    private TopologyFixture() {
    }

    /**
     * A driver for {@code topology} under the application id {@code applicationId}, with a state directory of its
     * own: in the shared default ({@code /tmp/kafka-streams}) a test JVM killed mid-run leaves checkpoints and locks
     * that fail every later run's drivers.
     */
    public static TopologyTestDriver driver(Topology topology, String applicationId, Instant now) {
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("consent-relay-topology-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a state directory for the topology test", e);
        }
        stateDir.toFile().deleteOnExit();
        Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new TopologyTestDriver(topology, props, now);
    }

    /** Writes {@code topic} through its own serdes. */
    public static <K, V> TestInputTopic<K, V> input(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Reads {@code topic} through its own serdes. */
    public static <K, V> TestOutputTopic<K, V> output(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }
}
