package dev.consentrelay.connector;

import java.util.HashMap;
import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.reactive.messaging.kafka.KafkaConnector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;

/**
 * The configuration of one vendor's SmallRye Kafka channel, as {@code mp.messaging.incoming.connector-<id>.*} would
 * give it: the vendor's command topic, its own consumer group, {@code read_committed}, records as bytes (the connector
 * decodes them, so a bad record is logged and skipped rather than failing the channel), commits {@code throttled} to
 * the lowest unacknowledged message, and {@code max.poll.records} no larger than what the connector keeps in flight.
 * The application's Kafka client settings (bootstrap servers, security) are included.
 */
final class VendorChannel {

    /** Acknowledged positions are committed at least this often (milliseconds). */
    static final int COMMIT_INTERVAL_MS = 1000;

    private VendorChannel() {
    }

    static Config config(VendorConnector.Settings settings, Map<String, Object> clientConfig) {
        Map<String, String> channel = new HashMap<>();
        clientConfig.forEach((key, value) -> channel.put(key, String.valueOf(value)));
        channel.put("channel-name", settings.channel());
        channel.put("connector", KafkaConnector.CONNECTOR_NAME);
        channel.put("topic", settings.topic());
        channel.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        channel.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId());
        channel.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        channel.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        channel.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        channel.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(settings.bufferLimit()));
        channel.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, String.valueOf(COMMIT_INTERVAL_MS));
        channel.put("key.deserializer", StringDeserializer.class.getName());
        channel.put("value.deserializer", ByteArrayDeserializer.class.getName());
        channel.put("commit-strategy", "throttled");
        // A dead vendor keeps its commands unacknowledged for as long as its retries last: that is the SLA breach's
        // business, not a reason to report the service unhealthy and have it restarted.
        channel.put("throttled.unprocessed-record-max-age.ms", "0");
        channel.put("failure-strategy", "fail");
        // Deliveries are stopped before the channels close (ConnectorRuntime on shutdown); a graceful close would
        // only wait, about three seconds per vendor, for messages that can no longer finish. What was acknowledged is
        // committed either way.
        channel.put("graceful-shutdown", "false");
        channel.put("tracing-enabled", "false");
        // Demand bounds what the connector holds; besides, it pauses the consumer itself (ChannelPauser) so that
        // fetching stops before SmallRye's queue fills: SmallRye's own pause, which then starts, polls every 2 ms.
        // A short poll lets a resume take effect quickly; the queue has room for what arrives meanwhile.
        channel.put("poll-timeout", "100");
        channel.put("max-queue-size-factor", "4");
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(channel, "vendor channel " + settings.channel(), 100))
                .build();
    }
}
