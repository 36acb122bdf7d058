package dev.consentrelay.connector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service started with {@code consent-relay.role=connector}: no topology resolves (so Kafka Streams does not
 * start), and the connector configured under {@code consent-relay.connectors.vendors} delivers a command from its
 * topic (here to an export file).
 */
@QuarkusTest
@TestProfile(ConnectorRoleIT.ConnectorRole.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class ConnectorRoleIT {

    static final String VENDOR = "archive";
    static final String TOPIC = "consent.commands." + VENDOR + ".v1";
    static final Path EXPORT_DIR = Path.of("target", "connector-role-export");

    /** Connector role with one file-export vendor. */
    public static class ConnectorRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The processor creates command topics when vendors appear; in this role nothing does.
            TestKafka.createTopics(3, TOPIC);
            return Map.of("consent-relay.role", "connector",
                    "consent-relay.connectors.vendors." + VENDOR + ".adapter", "file",
                    "consent-relay.connectors.vendors." + VENDOR + ".file-dir", EXPORT_DIR.toString());
        }
    }

    @Inject
    @Any
    Instance<Topology> topology;

    @Inject
    SchemaRegistryClient registry;

    @Test
    void shouldNotStartKafkaStreamsButDeliverCommands() throws Exception {
        assertThat(topology.isUnsatisfied()).as("no topology in the connector role").isTrue();
        PropagationCommand command = TestCommands.suppress(VENDOR, "subject-role");

        try (KafkaProducer<String, PropagationCommand> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), AvroSerde.forClass(PropagationCommand.class, registry, false).serializer())) {
            producer.send(new ProducerRecord<>(TOPIC, command.getSubjectId(), command)).get(30, TimeUnit.SECONDS);
        }

        await().atMost(TestKafka.timeout()).pollInterval(Duration.ofMillis(200))
                .until(() -> exported().stream().anyMatch(line -> line.contains(command.getCommandId().toString())));
        given().when().get("/q/health").then().statusCode(200);
    }

    private static List<String> exported() throws IOException {
        if (!Files.isDirectory(EXPORT_DIR)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(EXPORT_DIR)) {
            return files.flatMap(file -> {
                try {
                    return Files.readAllLines(file).stream();
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).toList();
        }
    }
}
