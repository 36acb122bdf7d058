package dev.consentrelay.platform;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.consentrelay.api.VendorPublisher;
import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.config.ProcessingConfig;
import dev.consentrelay.config.TopicsConfig;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * Loads the vendors file, when one is configured, into the compacted vendors topic at start-up. The topology reads
 * that topic as a global table, so a deployment declares its vendors in one place and later changes to the topic
 * apply without a restart.
 */
@ApplicationScoped
public class VendorLoader implements VendorPublisher {

    private static final Logger LOG = Logger.getLogger(VendorLoader.class);

    private final ProcessingConfig processing;
    private final TopicsConfig topics;
    private final TopicSetup topicSetup;
    private final Policy policy;
    private final SchemaRegistryClient registry;

    @Inject
    public VendorLoader(ProcessingConfig processing, TopicsConfig topics, TopicSetup topicSetup, Policy policy,
            SchemaRegistryClient registry) {
        this.processing = processing;
        this.topics = topics;
        this.topicSetup = topicSetup;
        this.policy = policy;
        this.registry = registry;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        processing.vendorsFile().ifPresent(file -> publish(VendorFile.read(Path.of(file), policy), file));
    }

    /** Publishes vendor records to the vendors topic and waits until Kafka has them. */
    @Override
    public void publish(List<Vendor> vendors, String origin) {
        Map<String, Object> config = new HashMap<>(topicSetup.adminConfig());
        config.remove("client.id");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (AvroSerde<VendorRecord> serde = AvroSerde.forClass(VendorRecord.class, registry, false);
                KafkaProducer<String, VendorRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                        serde.serializer())) {
            for (Vendor vendor : vendors) {
                producer.send(new ProducerRecord<>(topics.vendors(), vendor.vendorId(), AvroMapper.toAvro(vendor)))
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while loading vendors from " + origin, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot publish the vendors of " + origin + " to " + topics.vendors()
                    + ": " + e.getMessage(), e);
        }
        LOG.infof("Loaded %d vendor(s) from %s into %s: %s", vendors.size(), origin, topics.vendors(),
                vendors.stream().map(Vendor::vendorId).toList());
    }
}
