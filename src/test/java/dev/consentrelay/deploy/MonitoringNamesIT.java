package dev.consentrelay.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the dashboard and the alert rules query is one the running service exports at {@code /q/metrics}
 * (against a real broker and registry, after a signal has flowed so that lazily registered meters exist).
 * Per-vendor meters (propagation latency, breaches, acks, pending) are registered at zero when a vendor is known.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class MonitoringNamesIT {

    @Inject
    KafkaStreams streams;

    @Inject
    SchemaRegistryClient registry;

    @Test
    void dashboardAndAlertsQueryOnlyExportedMetrics() throws Exception {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        Set<String> referenced = MonitoringReferences.referencedMetricNames();
        // Meters registered on first use (decisions, commands, dead letters) appear once a signal has been decided
        // and a bad record dead-lettered; vendors load asynchronously from the vendors file, so keep publishing.
        await().atMost(TestKafka.timeout()).untilAsserted(() -> {
            publishOptOutAndGarbage();
            Set<String> exported = scrape();
            Set<String> missing = new TreeSet<>(referenced);
            missing.removeAll(exported);
            assertThat(missing).as("referenced by the dashboard or alerts but not exported").isEmpty();
        });
        Set<String> exported = scrape();
        Path report = Path.of("target", "monitoring", "exported-metric-names.txt");
        Files.createDirectories(report.getParent());
        Files.write(report, exported);
    }

    private void publishOptOutAndGarbage() {
        Map<String, Object> config = TestKafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        String subject = "metrics-" + UUID.randomUUID();
        Signal optOut = new Signal(UUID.randomUUID().toString(), subject, List.of(),
                Signal.Kind.OPT_OUT, Set.of("advertising"), "US-CA", Signal.Source.API, "link", "2026-11-01",
                Instant.now().minusSeconds(1), null, false);
        try (AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
                KafkaProducer<String, ConsentSignal> producer = new KafkaProducer<>(config,
                        new StringSerializer(), serde.serializer());
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config, new StringSerializer(),
                        new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("consent.signals.v1", subject, AvroMapper.toAvro(optOut)));
            raw.send(new ProducerRecord<>("consent.signals.v1", subject, new byte[]{42, 1, 2}));
            producer.flush();
            raw.flush();
        }
    }

    private static Set<String> scrape() {
        return MonitoringReferences
                .exportedNames(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
