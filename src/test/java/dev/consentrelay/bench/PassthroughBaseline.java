package dev.consentrelay.bench;

import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
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
 * The raw Kafka baseline: a plain Kafka Streams passthrough of the very records the service's max-throughput phase
 * processed (signals topic → {@value #OUTPUT_TOPIC}), decoding and re-encoding each with the same Avro serde against
 * the same registry, with {@code exactly_once_v2}, the same commit interval and one stream thread, like the service.
 * It runs in the benchmark JVM, once the service has finished, so the two do not share the CPU.
 */
final class PassthroughBaseline {

    static final String OUTPUT_TOPIC = "bench.passthrough.v1";

    /** What the baseline did. */
    record Result(long records, double seconds) {
        double recordsPerSecond() {
            return seconds <= 0 ? 0 : records / seconds;
        }
    }

    private PassthroughBaseline() {
    }

    /**
     * Processes the records of {@code from} up to {@code to} and measures from the moment the application is RUNNING
     * until it has committed {@code to}.
     */
    static Result run(String bootstrap, Admin admin, SchemaRegistryClient registry, String inputTopic,
            Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, Path stateDir, String runId,
            Duration timeout) throws InterruptedException {
        String applicationId = "bench-passthrough-" + runId;
        createOutputTopic(admin, from.size());
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        from.forEach((tp, offset) -> start.put(tp, new OffsetAndMetadata(offset)));
        try {
            admin.alterConsumerGroupOffsets(applicationId, start).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot position the baseline at the batch start", e);
        }

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        AvroSerde<ConsentSignal> serde = AvroSerde.forClass(ConsentSignal.class, registry, false);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Serdes.String(), serde).withName("passthrough-source"))
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
            long done = new ConsumerLag(admin).awaitCommitted(applicationId, to, timeout);
            long records = ConsumerLag.lag(from, to);
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return new Result(records, (done - runningAt.get()) / 1e9);
        }
    }

    private static void createOutputTopic(Admin admin, int partitions) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(OUTPUT_TOPIC, Optional.of(partitions), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + OUTPUT_TOPIC, e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot create " + OUTPUT_TOPIC, e);
        }
    }
}
