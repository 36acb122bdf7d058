package dev.consentrelay.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;

/**
 * The raw Kafka baseline: a plain Kafka Streams passthrough of records like those the service's max-throughput phase
 * processed (its signals, copied over and over into {@value #INPUT_TOPIC} until there are enough for a steady state,
 * then {@value #INPUT_TOPIC} → {@value #OUTPUT_TOPIC}), decoding and re-encoding each with the same Avro serde
 * against the same registry, with {@code exactly_once_v2}, the same commit interval and one stream thread, like the
 * service. It runs in the benchmark JVM, once the service has finished, so the two do not share the CPU. The first
 * tenth of the records is the warm-up (JIT, fetch sessions, the first transactions), reported on its own; the rate
 * is that of the other nine tenths.
 */
final class PassthroughBaseline {

    static final String INPUT_TOPIC = "bench.passthrough-input.v1";
    static final String OUTPUT_TOPIC = "bench.passthrough.v1";

    /** What the baseline did: the steady state, and the warm-up before it. */
    record Result(long records, double seconds, long warmUpRecords, double warmUpSeconds) {
        double recordsPerSecond() {
            return seconds <= 0 ? 0 : records / seconds;
        }
    }

    private PassthroughBaseline() {
    }

    /**
     * What the baseline passes through: the records of {@code topic} between {@code from} and {@code to}, copied
     * until there are {@code records} of them.
     */
    record Source(String topic, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, long records) {
    }

    /** Where and how the passthrough runs: its state directory, a run id for its names, and its output compression. */
    record Settings(Path stateDir, String runId, Duration timeout, String compression) {
    }

    /**
     * Copies the records of {@code sourceTopic} from {@code from} up to {@code to} into the input topic until it has
     * {@code records} of them, then passes them through and measures.
     */
    static Result run(String bootstrap, Admin admin, SchemaRegistryClient registry, Source source, Settings settings)
            throws InterruptedException {
        Path stateDir = settings.stateDir();
        String runId = settings.runId();
        Duration timeout = settings.timeout();
        String sourceTopic = source.topic();
        Map<TopicPartition, Long> from = source.from();
        Map<TopicPartition, Long> to = source.to();
        long records = source.records();
        createTopic(admin, INPUT_TOPIC, from.size());
        createTopic(admin, OUTPUT_TOPIC, from.size());
        Map<TopicPartition, Long> inputFrom = ends(bootstrap, INPUT_TOPIC);
        copy(bootstrap, sourceTopic, from, to, records);
        Map<TopicPartition, Long> inputTo = ends(bootstrap, INPUT_TOPIC);
        long total = ConsumerLag.lag(inputFrom, inputTo);

        String applicationId = "bench-passthrough-" + runId;
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        inputFrom.forEach((tp, offset) -> start.put(tp, new OffsetAndMetadata(offset)));
        try {
            admin.alterConsumerGroupOffsets(applicationId, start).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot position the baseline at the input's start", e);
        }

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // The service's producer compression, so the ratio compares like with like.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), settings.compression());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT_TOPIC, Consumed.with(Serdes.String(), serde).withName("passthrough-source"))
                .to(OUTPUT_TOPIC, Produced.with(Serdes.String(), serde).withName("passthrough-sink"));

        AtomicLong runningAt = new AtomicLong();
        CountDownLatch running = new CountDownLatch(1);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.setStateListener((newState, oldState) -> {
                if (newState == KafkaStreams.State.RUNNING && runningAt.compareAndSet(0, System.nanoTime())) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("The passthrough baseline was not RUNNING within " + timeout);
            }
            ConsumerLag lag = new ConsumerLag(admin);
            long warmUp = total / 10;
            long warm = lag.awaitLagAtMost(applicationId, inputTo, total - warmUp, timeout);
            long done = lag.awaitCommitted(applicationId, inputTo, timeout);
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return new Result(total - warmUp, (done - warm) / 1e9, warmUp, (warm - runningAt.get()) / 1e9);
        }
    }

    /** Writes {@code records} copies of the source range's records, cycling over it, each to its own partition. */
    private static void copy(String bootstrap, String sourceTopic, Map<TopicPartition, Long> from,
            Map<TopicPartition, Long> to, long records) {
        List<ProducerRecord<byte[], byte[]>> originals = new ArrayList<>();
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.copyOf(from.keySet());
            consumer.assign(partitions);
            from.forEach(consumer::seek);
            long wanted = ConsumerLag.lag(from, to);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (originals.size() < wanted && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                        originals.add(new ProducerRecord<>(INPUT_TOPIC, record.partition(), record.key(),
                                record.value()));
                    }
                }
            }
        }
        if (originals.isEmpty()) {
            throw new IllegalStateException("No record of " + sourceTopic + " to copy for the baseline");
        }
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                ProducerConfig.ACKS_CONFIG, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                producer.send(originals.get((int) (i % originals.size())));
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, Long> ends(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    private static void createTopic(Admin admin, String topic, int partitions) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + topic, e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot create " + topic, e);
        }
    }
}
