package dev.consentrelay.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.consentrelay.schema.PendingCommand;
import dev.consentrelay.topology.PropagationLedger;
import dev.consentrelay.topology.StoreNames;

/**
 * Answers from the {@code pending-commands} store through Kafka Streams interactive queries. The signal id is the
 * partition key of the store (commands are repartitioned by it), so the metadata of that key says which instance
 * holds it; only local partitions are read, with a prefix scan over {@code signalId|}.
 */
@ApplicationScoped
public class KafkaStreamsPropagationQueries implements PropagationQueries {

    @Inject
    KafkaStreams streams;

    /** This instance's {@code application.server}; unset on a single instance, where every key is local. */
    @ConfigProperty(name = "kafka-streams.application.server")
    Optional<String> applicationServer;

    @Override
    public PropagationLookup find(UUID signalId) {
        String key = signalId.toString();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return new PropagationLookup.Unavailable("Kafka Streams is " + streams.state());
        }
        if (localHost().equals(HostInfo.unavailable())) {
            // Without application.server Kafka Streams shares no partition metadata (queryMetadataForKey answers
            // NOT_AVAILABLE for ever), and a single instance holds every partition: read all local ones.
            return scan(key, StoreQueryParameters.fromNameAndType(StoreNames.PENDING_COMMANDS,
                    QueryableStoreTypes.<String, PendingCommand>keyValueStore()));
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(StoreNames.PENDING_COMMANDS, key, Serdes.String().serializer());
        } catch (IllegalStateException e) {
            return new PropagationLookup.Unavailable(e.getMessage());
        }
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            return new PropagationLookup.Unavailable("The owner of the signal's partition is not known yet");
        }
        HostInfo owner = metadata.activeHost();
        if (!owner.equals(localHost())) {
            return new PropagationLookup.NotLocal(owner.host() + ":" + owner.port());
        }
        return scan(key, StoreQueryParameters.fromNameAndType(StoreNames.PENDING_COMMANDS,
                QueryableStoreTypes.<String, PendingCommand>keyValueStore()).withPartition(metadata.partition()));
    }

    private PropagationLookup scan(String key,
            StoreQueryParameters<ReadOnlyKeyValueStore<String, PendingCommand>> parameters) {
        List<PendingCommand> entries = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, PendingCommand> store = streams.store(parameters);
            try (KeyValueIterator<String, PendingCommand> it = store.prefixScan(PropagationLedger.prefix(key),
                    Serdes.String().serializer())) {
                it.forEachRemaining(kv -> entries.add(kv.value));
            }
        } catch (InvalidStateStoreException e) {
            return new PropagationLookup.Unavailable(e.getMessage());
        }
        return entries.isEmpty()
                ? new PropagationLookup.NotFound()
                : new PropagationLookup.Found(PropagationStatuses.of(key, entries));
    }

    private HostInfo localHost() {
        return applicationServer.filter(s -> !s.isBlank()).map(HostInfo::buildFromEndpoint)
                .orElse(HostInfo.unavailable());
    }
}
