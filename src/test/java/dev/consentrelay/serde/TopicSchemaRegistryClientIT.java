package dev.consentrelay.serde;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry the embedded run mode keeps in a topic, against a real broker: ids outlive the client that assigned
 * them, and processes that register at the same time agree on every id.
 */
class TopicSchemaRegistryClientIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String url = TopicSchemaRegistryClient.url(TestKafka.bootstrapServers(),
            "_schemas-" + UUID.randomUUID());

    @Test
    void shouldKeepIdsForTheNextClientOnTheSameTopic() {
        int signalId;
        int vendorId;
        try (TopicSchemaRegistryClient first = TopicSchemaRegistryClient.open(url, TIMEOUT)) {
            signalId = first.register("consent.signals.v1-value", ConsentSignal.getClassSchema());
            vendorId = first.register("consent.vendors.v1-value", VendorRecord.getClassSchema());
        }

        try (TopicSchemaRegistryClient restarted = TopicSchemaRegistryClient.open(url, TIMEOUT)) {
            assertThat(restarted.schemaById(signalId)).isEqualTo(ConsentSignal.getClassSchema());
            assertThat(restarted.schemaById(vendorId)).isEqualTo(VendorRecord.getClassSchema());
            assertThat(restarted.idFor("consent.signals.v1-value", ConsentSignal.getClassSchema())).isEqualTo(signalId);
            assertThat(restarted.register("consent.vendors.v1-value", VendorRecord.getClassSchema()))
                    .as("registering again finds the stored id").isEqualTo(vendorId);
            assertThat(restarted.subjects()).containsExactly("consent.signals.v1-value", "consent.vendors.v1-value");
        }
    }

    @Test
    void shouldSeeWhatAnotherProcessRegisteredAfterItOpened() {
        try (TopicSchemaRegistryClient reader = TopicSchemaRegistryClient.open(url, TIMEOUT);
                TopicSchemaRegistryClient writer = TopicSchemaRegistryClient.open(url, TIMEOUT)) {
            int id = writer.register("late-value", VendorRecord.getClassSchema());

            assertThat(reader.schemaById(id)).isEqualTo(VendorRecord.getClassSchema());
            assertThat(reader.idFor("late-value", VendorRecord.getClassSchema())).isEqualTo(id);
            assertThatThrownBy(() -> reader.schemaById(id + 100)).isInstanceOfSatisfying(SchemaRegistryException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        }
    }

    @Test
    void shouldAgreeOnEveryIdWhenTwoWritersRegisterAtOnce() throws Exception {
        List<Schema> schemas = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            schemas.add(new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R" + i
                    + "\",\"namespace\":\"race\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}"));
        }
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TopicSchemaRegistryClient one = TopicSchemaRegistryClient.open(url, TIMEOUT);
                TopicSchemaRegistryClient two = TopicSchemaRegistryClient.open(url, TIMEOUT)) {
            List<Future<?>> writers = new ArrayList<>();
            for (TopicSchemaRegistryClient client : List.of(one, two)) {
                writers.add(pool.submit(() -> {
                    for (Schema schema : schemas) {
                        int id = client.register("race-" + schema.getName() + "-value", schema);
                        Integer other = seen.putIfAbsent(schema.getFullName(), id);
                        assertThat(other == null || other == id).as("both writers got one id for %s", schema)
                                .isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        try (TopicSchemaRegistryClient fresh = TopicSchemaRegistryClient.open(url, TIMEOUT)) {
            for (Schema schema : schemas) {
                int id = seen.get(schema.getFullName());
                assertThat(fresh.schemaById(id)).isEqualTo(schema);
                assertThat(fresh.versions("race-" + schema.getName() + "-value")).containsExactly(id);
            }
            assertThat(seen.values()).doesNotHaveDuplicates();
        }
    }
}
