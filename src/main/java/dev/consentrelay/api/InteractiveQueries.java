package dev.consentrelay.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.topology.PropagationLedger;
import dev.consentrelay.topology.StoreNames;

/**
 * Kafka Streams interactive queries over the key-value stores, as typed results: found here, on another instance,
 * not found, or unavailable while the stores rebalance or restore. Never waits for a store to become ready.
 */
public final class InteractiveQueries {

    private final KafkaStreams streams;
    private final HostInfo self;

    /**
     * @param self this instance's {@code application.server}
     */
    public InteractiveQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    public HostInfo self() {
        return self;
    }

    /**
     * Looks up the store that holds {@code key} (partitioned by the key, as the store's source topic is) and reads it
     * with {@code read} when it is here; {@code read} returns {@code null} for not found.
     */
    public <V, T> QueryResult<T> byKey(String store, String key, Function<ReadOnlyKeyValueStore<String, V>, T> read) {
        return byKeyInPartition(store, key, partition -> read.apply(store(store, partition)));
    }

    /** The subject's row of the consent table (its published state), wherever it lives. */
    public QueryResult<SubjectConsentState> consentState(String subjectId) {
        return this.<ConsentRow, SubjectConsentState>byKey(StoreNames.CONSENT_TABLE, subjectId, store -> {
            ConsentRow row = store.get(subjectId);
            return row == null ? null : row.getState();
        });
    }

    /**
     * One signal's propagation entry, read in the task of its subject: the entry as decided with its answers so far
     * ({@link PropagationLedger#merge}).
     */
    public QueryResult<SignalPropagation> signalPropagation(String subjectId, String signalId) {
        String key = PropagationLedger.key(subjectId, signalId);
        return byKeyInPartition(StoreNames.SIGNAL_PROPAGATION, subjectId,
                partition -> PropagationLedger.read(this.<SignalPropagation>store(StoreNames.SIGNAL_PROPAGATION,
                        partition), this.<PropagationAnswers>store(StoreNames.PROPAGATION_ANSWERS, partition), key));
    }

    /** Like {@link #byKey}: {@code read} gets the partition of the task holding {@code key}. */
    private <T> QueryResult<T> byKeyInPartition(String store, String key, IntFunction<T> read) {
        KafkaStreams.State state = streams.state();
        KeyQueryMetadata metadata;
        try {
            metadata = state == KafkaStreams.State.RUNNING
                    ? streams.queryMetadataForKey(store, key, Serdes.String().serializer())
                    : null;
        } catch (IllegalStateException | InvalidStateStoreException e) {
            metadata = null;
        }
        KeyQueryMetadata found = metadata;
        return route(state, found, self, () -> read.apply(found.partition()));
    }

    /** One partition of a key-value store of this instance. */
    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
                .withPartition(partition));
    }

    /**
     * Maps the state of Kafka Streams and the key's metadata to a result; {@code local} reads this instance's store
     * and returns {@code null} for not found.
     */
    static <T> QueryResult<T> route(KafkaStreams.State state, KeyQueryMetadata metadata, HostInfo self,
            Supplier<T> local) {
        if (state != KafkaStreams.State.RUNNING) {
            return new QueryResult.Unavailable<>("Kafka Streams is " + state);
        }
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return new QueryResult.Unavailable<>("the store's metadata is not available yet");
        }
        HostInfo owner = metadata.activeHost();
        if (!sameHost(owner, self)) {
            return new QueryResult.Elsewhere<>(owner.host(), owner.port());
        }
        try {
            T value = local.get();
            return value == null ? new QueryResult.NotFound<>() : new QueryResult.Found<>(value);
        } catch (InvalidStateStoreException e) {
            return new QueryResult.Unavailable<>("the store is rebalancing or restoring: " + e.getMessage());
        }
    }

    /**
     * A read over the stores of every active task of this instance ({@link #allLocal}), for a lookup by a key that
     * does not say which partition holds it; {@code read} returns {@code null} for not found.
     */
    public <T> QueryResult<T> local(Supplier<T> read) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return new QueryResult.Unavailable<>("Kafka Streams is " + streams.state());
        }
        try {
            T value = read.get();
            return value == null ? new QueryResult.NotFound<>() : new QueryResult.Found<>(value);
        } catch (InvalidStateStoreException e) {
            return new QueryResult.Unavailable<>("the store is rebalancing or restoring: " + e.getMessage());
        }
    }

    /** A key-value store over every partition this instance holds active: a get asks each in turn. */
    public <V> ReadOnlyKeyValueStore<String, V> allLocal(String name) {
        return streams
                .store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    /** The other instances that hold partitions of {@code store}; empty unless Kafka Streams is running. */
    public List<HostInfo> otherHosts(String store) {
        List<HostInfo> hosts = new ArrayList<>();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return hosts;
        }
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
            if (!sameHost(metadata.hostInfo(), self) && !hosts.contains(metadata.hostInfo())) {
                hosts.add(metadata.hostInfo());
            }
        }
        return hosts;
    }

    /**
     * Reads {@code store} in each partition of this instance whose active task reads a topic ending with
     * {@code sourceSuffix}.
     */
    public <V, T> QueryResult<List<T>> eachLocalPartition(String store, String sourceSuffix,
            Function<ReadOnlyKeyValueStore<String, V>, T> read) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return new QueryResult.Unavailable<>("Kafka Streams is " + streams.state());
        }
        List<T> values = new ArrayList<>();
        try {
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                for (TaskMetadata task : thread.activeTasks()) {
                    boolean reads = task.topicPartitions().stream().anyMatch(tp -> tp.topic().endsWith(sourceSuffix));
                    if (reads) {
                        T value = read.apply(streams.store(StoreQueryParameters
                                .fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore())
                                .withPartition(task.taskId().partition())));
                        if (value != null) {
                            values.add(value);
                        }
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            return new QueryResult.Unavailable<>("the store is rebalancing or restoring: " + e.getMessage());
        }
        return new QueryResult.Found<>(values);
    }

    static boolean sameHost(HostInfo a, HostInfo b) {
        return a.port() == b.port() && Objects.equals(normalize(a.host()), normalize(b.host()));
    }

    private static String normalize(String host) {
        return "127.0.0.1".equals(host) ? "localhost" : host;
    }
}
