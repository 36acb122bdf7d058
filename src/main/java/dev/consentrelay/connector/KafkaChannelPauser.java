package dev.consentrelay.connector;

import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import org.jboss.logging.Logger;

/**
 * Pauses a SmallRye Kafka channel at the Kafka consumer, on the channel's polling thread, leaving SmallRye's own
 * state untouched: its polls keep their normal timeout and simply return nothing while the partitions are paused.
 */
final class KafkaChannelPauser implements ChannelPauser {

    private static final Logger LOG = Logger.getLogger(KafkaChannelPauser.class);

    private final String channel;
    private final KafkaConsumer<?, ?> consumer;

    KafkaChannelPauser(String channel, KafkaConsumer<?, ?> consumer) {
        this.channel = channel;
        this.consumer = consumer;
    }

    @Override
    public void pause() {
        onPollingThread("pause", c -> c.pause(c.assignment()));
    }

    @Override
    public void resume() {
        onPollingThread("resume", c -> c.resume(c.paused()));
    }

    private void onPollingThread(String action, Consumer<org.apache.kafka.clients.consumer.Consumer<?, ?>> call) {
        consumer.runOnPollingThread(c -> {
            call.accept(c);
        }).subscribe().with(done -> LOG.debugf("Channel %s: %s done", channel, action),
                failure -> LOG.warnf("Channel %s: cannot %s (%s)", channel, action, failure.toString()));
    }
}
