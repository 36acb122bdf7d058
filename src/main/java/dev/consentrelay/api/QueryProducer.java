package dev.consentrelay.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The interactive queries of this instance, which knows itself by its {@code application.server}. */
@ApplicationScoped
public class QueryProducer {

    @Produces
    @ApplicationScoped
    InteractiveQueries interactiveQueries(KafkaStreams streams,
            @ConfigProperty(name = "kafka-streams.application.server") String applicationServer) {
        return new InteractiveQueries(streams, HostInfo.buildFromEndpoint(applicationServer));
    }
}
