package dev.consentrelay.platform;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Quarkus;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.jboss.logging.Logger;

/**
 * Follows Kafka Streams' state: remembers when it first reached {@code RUNNING} (start-up waits for that), and ends the
 * process when Kafka Streams stops in {@code ERROR} ({@link StreamThreadRecovery} shut it down), since a service whose
 * stream processing has stopped must not go on answering as if it were deciding: the exit makes the failure visible to
 * whoever restarts it.
 */
@ApplicationScoped
public class StreamsLifecycle implements KafkaStreams.StateListener {

    private static final Logger LOG = Logger.getLogger(StreamsLifecycle.class);

    private volatile Instant firstRunning;

    @Override
    public void onChange(State newState, State oldState) {
        if (newState == State.RUNNING && firstRunning == null) {
            firstRunning = Instant.now();
        }
        if (newState == State.ERROR) {
            LOG.error("Kafka Streams stopped with an error (the reason is logged above, marked STOPPING); the service"
                    + " exits with status 1");
            Quarkus.asyncExit(1);
        }
    }

    /** When Kafka Streams first reached {@code RUNNING} in this process, or null. */
    public Instant firstRunning() {
        return firstRunning;
    }
}
