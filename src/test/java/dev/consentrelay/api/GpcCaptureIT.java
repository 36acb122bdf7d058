package dev.consentrelay.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/**
 * GPC capture from a caller that is not a trusted proxy (loopback is not one in this profile): its geo headers are
 * ignored, and a subject gets a limited number of GPC requests a minute.
 */
@QuarkusTest
@TestProfile(QueryApiIT.FixedPort.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class GpcCaptureIT {

    private static final String GPC = "consent.gpc-signals.v1";

    @Inject
    SchemaRegistryClient registry;

    @Test
    void geoHeadersFromACallerThatIsNoTrustedProxyAreIgnored() {
        String subject = "untrusted-" + UUID.randomUUID();

        given().header("Sec-GPC", "1").header("X-Subject-Id", subject).header("CF-IPCountry", "CA")
                .header("X-Forwarded-For", "198.51.100.7").post("/v1/gpc").then().statusCode(202)
                .body(not(containsString("region")));

        assertThat(gpcSignals(subject, 1)).singleElement()
                .satisfies(signal -> assertThat(signal.getRegion()).as("no region from an untrusted header").isNull());
    }

    @Test
    void aSubjectGetsALimitedNumberOfGpcRequestsAMinute() {
        String subject = "flood-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            given().header("Sec-GPC", "1").queryParam("sid", subject).get("/v1/gpc").then().statusCode(200);
        }

        given().header("Sec-GPC", "1").queryParam("sid", subject).get("/v1/gpc").then().statusCode(429)
                .header("Retry-After", not(containsString("-")))
                .body("message", containsString("GPC requests for this subject"));
        given().header("Sec-GPC", "1").queryParam("sid", "other-" + UUID.randomUUID()).get("/v1/gpc").then()
                .statusCode(200);
        assertThat(gpcSignals(subject, 3)).hasSize(3);
    }

    private List<ConsentSignal> gpcSignals(String subject, int atLeast) {
        List<ConsentSignal> found = new ArrayList<>();
        Map<String, Object> config = TestKafka.readCommittedConsumerConfig("gpc-capture-" + UUID.randomUUID());
        try (KafkaConsumer<String, ConsentSignal> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerde.forClass(ConsentSignal.class, registry, false).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(GPC).stream()
                    .map(p -> new TopicPartition(GPC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(TestKafka.timeout()).until(() -> {
                for (ConsumerRecord<String, ConsentSignal> record : consumer.poll(Duration.ofMillis(200))) {
                    if (subject.equals(record.key())) {
                        found.add(record.value());
                    }
                }
                return found.size() >= atLeast;
            });
        }
        return found;
    }
}
