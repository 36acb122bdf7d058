package dev.consentrelay.connector;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connectors' one consumer against a real broker: a full vendor is paused while another is fed, a partition is
 * committed only up to its lowest unfinished record (so a restart hands out exactly the unfinished ones again), and a
 * partition the group never committed continues where the vendor's group of earlier releases stopped.
 */
class CommandFeedIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String group = "feed-it-" + run;
    private CommandFeed feed;

    @AfterEach
    void tearDown() {
        if (feed != null) {
            feed.close();
        }
    }

    @Test
    void shouldFeedOneVendorWhileAnotherIsFullAndRedeliverFromTheLowestUnfinished() throws Exception {
        String slow = "feed-slow-" + run;
        String fast = "feed-fast-" + run;
        TestKafka.createTopics(1, slow, fast);
        send(slow, 20);
        send(fast, 20);

        feed = new CommandFeed(TestKafka.clientConfig(), group, null);
        HoldingReceiver slowVendor = new HoldingReceiver(feed.pauser(slow), 3);
        HoldingReceiver fastVendor = new HoldingReceiver(feed.pauser(fast), 64);
        feed.register(slow, slowVendor, "legacy-slow-" + run);
        feed.register(fast, fastVendor, "legacy-fast-" + run);
        feed.start();

        await().atMost(TestKafka.timeout()).until(() -> fastVendor.received.size() == 20);
        fastVendor.finishAll();
        await().atMost(TestKafka.timeout()).until(() -> Long.valueOf(20).equals(committed(fast)));
        assertThat(slowVendor.received).as("no more than it holds in flight").hasSize(3);
        assertThat(committed(slow)).as("nothing committed past an unfinished record").isIn(null, 0L);

        // The first two finish, the third does not: the commit stops at the third.
        slowVendor.finish(0);
        slowVendor.finish(1);
        await().atMost(TestKafka.timeout()).until(() -> slowVendor.received.size() == 5);
        feed.close();
        assertThat(slowVendor.received).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(committed(slow)).isEqualTo(2L);

        feed = new CommandFeed(TestKafka.clientConfig(), group, null);
        HoldingReceiver restarted = new HoldingReceiver(feed.pauser(slow), 100);
        feed.register(slow, restarted, "legacy-slow-" + run);
        feed.register(fast, new HoldingReceiver(feed.pauser(fast), 100), "legacy-fast-" + run);
        feed.start();

        await().atMost(TestKafka.timeout()).until(() -> restarted.received.size() == 18);
        assertThat(restarted.received).as("from the lowest unfinished record on, the finished ones not again")
                .containsExactlyElementsOf(LongStream.range(2, 20).boxed().toList());
        restarted.finishAll();
        await().atMost(TestKafka.timeout()).until(() -> Long.valueOf(20).equals(committed(slow)));
    }

    @Test
    void shouldContinueWhereTheVendorsGroupOfAnEarlierReleaseStopped() throws Exception {
        String topic = "feed-legacy-" + run;
        String legacy = "consent-relay-connector-legacy-" + run;
        TestKafka.createTopics(1, topic);
        send(topic, 10);
        try (KafkaConsumer<byte[], byte[]> old = new KafkaConsumer<>(TestKafka.readCommittedConsumerConfig(legacy),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            old.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(6)));
        }

        feed = new CommandFeed(TestKafka.clientConfig(), group, null);
        HoldingReceiver vendor = new HoldingReceiver(feed.pauser(topic), 64);
        feed.register(topic, vendor, legacy);
        feed.start();

        await().atMost(TestKafka.timeout()).until(() -> vendor.received.size() == 4);
        assertThat(vendor.received).as("neither repeated nor skipped").containsExactly(6L, 7L, 8L, 9L);
        vendor.finishAll();
        await().atMost(TestKafka.timeout()).until(() -> Long.valueOf(10).equals(committed(topic)));
    }

    private static void send(String topic, int count) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestKafka.clientConfig(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "subject-" + i,
                        ("command-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private Long committed(String topic) throws Exception {
        try (Admin admin = Admin.create(TestKafka.clientConfig())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
            return offset == null ? null : offset.offset();
        }
    }

    /** Holds what it receives until told to finish it; pauses its topic when full, as a connector does. */
    private static final class HoldingReceiver implements CommandFeed.Receiver {
        final List<Long> received = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<CommandFeed.CommandRecord> held = new ConcurrentLinkedQueue<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final ChannelPauser pauser;
        private final int limit;

        HoldingReceiver(ChannelPauser pauser, int limit) {
            this.pauser = pauser;
            this.limit = limit;
        }

        @Override
        public boolean accepts() {
            return inFlight.get() < limit;
        }

        @Override
        public void receive(CommandFeed.CommandRecord record) {
            received.add(record.offset());
            held.add(record);
            if (inFlight.incrementAndGet() >= limit) {
                pauser.pause();
            }
        }

        void finish(long offset) {
            held.removeIf(record -> {
                if (record.offset() != offset) {
                    return false;
                }
                done(record);
                return true;
            });
        }

        void finishAll() {
            CommandFeed.CommandRecord record;
            while ((record = held.poll()) != null) {
                done(record);
            }
        }

        private void done(CommandFeed.CommandRecord record) {
            record.done().run();
            inFlight.decrementAndGet();
            pauser.resume();
        }
    }
}
