package dev.consentrelay.connector;

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
        consumer.runOnPollingThread(c -> {
            c.pause(c.assignment());
        }).subscribe().with(done -> LOG.debugf("Channel %s paused", channel),
                failure -> LOG.warnf("Channel %s: cannot pause (%s)", channel, failure.toString()));
    }

    @Override
    public void resume() {
        consumer.runOnPollingThread(c -> {
            c.resume(c.paused());
        }).subscribe().with(done -> LOG.debugf("Channel %s resumed", channel),
                failure -> LOG.warnf("Channel %s: cannot resume (%s)", channel, failure.toString()));
    }
}
