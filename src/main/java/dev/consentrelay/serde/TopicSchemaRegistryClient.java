package dev.consentrelay.serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.consentrelay.serde.RegisteredSchemas.Proposal;
import dev.consentrelay.serde.RegisteredSchemas.Registration;

/**
 * A schema registry whose subjects, versions and ids live in a compacted, single-partition Kafka topic, as Confluent's
 * registry keeps its own in {@code _schemas}. The embedded run mode uses it, so that ids outlive the process: a
 * restart, a connector process or a benchmark client on the same broker reads the same log and sees the same ids.
 * <p>
 * Every process is a writer. A registration is appended, then the log is read up to it; {@link RegisteredSchemas}
 * applies the log with a first-wins rule, so when two processes race for an id or a version, both read the same
 * winner and the loser retries. Selected by {@code kafka://<bootstrap servers>/<topic>} as the registry URL; the
 * clients connect in plain text, as to the embedded broker. Thread-safe.
 */
public final class TopicSchemaRegistryClient implements SchemaRegistryClient {

    /** URL scheme that selects this registry. */
    public static final String SCHEME = "kafka://";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REGISTER_ATTEMPTS = 20;
    private static final Duration POLL = Duration.ofMillis(100);

    private final String url;
    private final TopicPartition partition;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final RegisteredSchemas schemas = new RegisteredSchemas();

    private TopicSchemaRegistryClient(String url, String bootstrapServers, String topic, Duration timeout) {
        this.url = url;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        ensureTopic(bootstrapServers, topic, timeout);
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "consent-relay-schemas-producer");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "consent-relay-schemas-reader");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Registrations are read back right after they are written: answer a fetch at once, not after 500 ms.
        consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        synchronized (this) {
            catchUp();
        }
    }

    /**
     * Opens the registry at {@code kafka://host:port[,host:port...]/<topic>}, creating the topic if needed and reading
     * it to the end.
     */
    public static TopicSchemaRegistryClient open(String url, Duration timeout) {
        if (!url.startsWith(SCHEME)) {
            throw new IllegalArgumentException("Not a Kafka-backed schema registry URL: " + url);
        }
        String rest = url.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("A Kafka-backed schema registry URL names the bootstrap servers and the"
                    + " topic: kafka://<host:port>/<topic>, not " + url);
        }
        return new TopicSchemaRegistryClient(url, rest.substring(0, slash), rest.substring(slash + 1), timeout);
    }

    /** The registry URL for the given bootstrap servers and topic. */
    public static String url(String bootstrapServers, String topic) {
        return SCHEME + bootstrapServers + "/" + topic;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Optional<Integer> known = schemas.idUnder(subject, schema);
        if (known.isPresent()) {
            // What the log accepted never changes: no need to read its end again.
            return known.get();
        }
        catchUp();
        for (int attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
            Proposal proposal = schemas.propose(subject, schema);
            if (proposal.registration() == null) {
                return proposal.id();
            }
            long offset = append(proposal.registration());
            catchUpTo(offset + 1);
            Optional<Integer> id = schemas.idUnder(subject, schema);
            if (id.isPresent()) {
                return id.get();
            }
            // Another process won the id or the version: the log now says what it took; propose again.
        }
        throw new SchemaRegistryException("Could not register a schema under subject '" + subject + "' in " + url
                + ": other writers won " + REGISTER_ATTEMPTS + " times in a row", 500, 50001, "Too many conflicts");
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Optional<Schema> schema = schemas.schemaById(id);
        if (schema.isEmpty()) {
            catchUp();
            schema = schemas.schemaById(id);
        }
        return schema.orElseThrow(() -> SchemaRegistryErrors.schemaIdNotFound(id, url));
    }

    @Override
    public synchronized int idFor(String subject, Schema schema) {
        Optional<Integer> id = schemas.idUnder(subject, schema);
        if (id.isPresent()) {
            return id.get();
        }
        catchUp();
        return schemas.requireIdUnder(subject, schema, url);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        catchUp();
        return schemas.isCompatible(subject, schema);
    }

    /** Subjects with at least one version, as the log says now. */
    public synchronized List<String> subjects() {
        catchUp();
        return schemas.subjects();
    }

    /** The ids of a subject's versions, oldest first, as the log says now. */
    public synchronized List<Integer> versions(String subject) {
        catchUp();
        return schemas.versions(subject);
    }

    @Override
    public synchronized void close() {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log().log(System.Logger.Level.DEBUG, "Closing the schema log producer failed", e);
        }
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log().log(System.Logger.Level.DEBUG, "Closing the schema log reader failed", e);
        }
    }

    @Override
    public String toString() {
        return "TopicSchemaRegistryClient[" + url + "]";
    }

    private long append(Registration registration) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", registration.subject());
        value.put("version", registration.version());
        value.put("id", registration.id());
        value.put("schema", registration.schema().toString());
        String key = registration.subject() + "|" + registration.version() + "|" + registration.id();
        try {
            RecordMetadata metadata = producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), key,
                    value.toString())).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return metadata.offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while registering a schema", e);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("cannot append to the schema log: " + e, e);
        }
    }

    private void catchUp() {
        Long end;
        try {
            end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        } catch (RuntimeException e) {
            throw unavailable("cannot read the end of the schema log: " + e, e);
        }
        catchUpTo(end == null ? 0 : end);
    }

    private void catchUpTo(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (consumer.position(partition, timeout) < offset) {
                if (System.nanoTime() > deadline) {
                    throw unavailable("the schema log was not read up to offset " + offset + " within " + timeout,
                            null);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    applyLogged(record);
                }
            }
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable("cannot read the schema log: " + e, e);
        }
    }

    private void applyLogged(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return;
        }
        try {
            JsonNode value = JSON.readTree(record.value());
            Schema schema = new Schema.Parser().parse(value.path("schema").asText());
            schemas.apply(new Registration(value.path("subject").asText(), value.path("version").asInt(),
                    value.path("id").asInt(), schema));
        } catch (Exception e) {
            // Not written by this client: skip it rather than refuse to serve every schema after it.
            log().log(System.Logger.Level.WARNING,
                    "Skipping unreadable record at offset {0} of the schema log {1}: {2}",
                    record.offset(), partition, e.toString());
        }
    }

    /** Looked up when needed: a logger created while this class loads would set up logging before the application. */
    private static System.Logger log() {
        return System.getLogger(TopicSchemaRegistryClient.class.getName());
    }

    private SchemaRegistryException unavailable(String detail, Exception cause) {
        return new SchemaRegistryException("Schema registry " + url + ": " + detail, 503,
                SchemaRegistryException.NO_RESPONSE, detail, cause);
    }

    private static void ensureTopic(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "consent-relay-schemas-setup");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            NewTopic spec = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(Set.of(spec)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new SchemaRegistryException("Cannot create the schema log topic " + topic + ": " + e.getCause(),
                        503, SchemaRegistryException.NO_RESPONSE, String.valueOf(e.getCause()), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the schema log topic " + topic, e);
        } catch (TimeoutException e) {
            throw new SchemaRegistryException("The broker at " + bootstrapServers + " did not answer within " + timeout
                    + " while the schema log topic " + topic + " was checked", 503, SchemaRegistryException.NO_RESPONSE,
                    e.toString(), e);
        }
    }
}
