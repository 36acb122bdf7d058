package dev.consentrelay.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.consentrelay.schema.CommandAck;
import dev.consentrelay.schema.EarlyAcks;

/**
 * Acknowledgements that reached propagation tracking before their command (the acks topic can overtake the
 * {@code commands-by-signal} repartition). Parked in {@code early-acks} keyed {@code signalId|commandId}, with an
 * index by parking time ({@code <13-digit epoch millis>|signalId|commandId}) so that the ones whose command never
 * comes are found by a range scan instead of a scan of the whole store.
 */
public final class EarlyAckPark {

    /** At most this many acknowledgements are parked for one command; a connector looping on one is not kept. */
    public static final int MAX_PER_COMMAND = 16;

    private static final char SEPARATOR = '|';
    private static final String ZERO = "0000000000000";

    private final KeyValueStore<String, EarlyAcks> parked;
    private final KeyValueStore<String, String> index;

    public EarlyAckPark(KeyValueStore<String, EarlyAcks> parked, KeyValueStore<String, String> index) {
        this.parked = parked;
        this.index = index;
    }

    /** One command's parked acknowledgements, as they were parked. */
    public record Parked(String signalId, String commandId, Instant parkedAt, List<CommandAck> acks) {
    }

    /**
     * Parks an acknowledgement after those already parked for its command.
     *
     * @return false, parking nothing, when {@link #MAX_PER_COMMAND} are already parked for the command
     */
    public boolean park(String signalId, CommandAck ack, Instant now) {
        String key = PropagationLedger.key(signalId, ack.getCommandId().toString());
        EarlyAcks existing = parked.get(key);
        if (existing == null) {
            parked.put(key, EarlyAcks.newBuilder().setParkedAt(now).setAcks(List.of(ack)).build());
            index.put(PropagationLedger.timeKey(now) + SEPARATOR + key, key);
            return true;
        }
        if (existing.getAcks().size() >= MAX_PER_COMMAND) {
            return false;
        }
        List<CommandAck> acks = new ArrayList<>(existing.getAcks());
        acks.add(ack);
        existing.setAcks(acks);
        parked.put(key, existing);
        return true;
    }

    /** Removes and returns the acknowledgements parked for one command, in arrival order (empty if none). */
    public List<CommandAck> take(String signalId, String commandId) {
        String key = PropagationLedger.key(signalId, commandId);
        // Look before deleting: a delete writes a tombstone to the changelog whether or not anything was parked,
        // and almost every command finds nothing here.
        EarlyAcks existing = parked.get(key);
        if (existing == null) {
            return List.of();
        }
        parked.delete(key);
        index.delete(PropagationLedger.timeKey(existing.getParkedAt()) + SEPARATOR + key);
        return existing.getAcks();
    }

    /**
     * Removes and returns up to {@code limit} commands' acknowledgements parked at or before {@code cutoff}, oldest
     * first.
     */
    public List<Parked> expire(Instant cutoff, int limit) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.range(ZERO,
                PropagationLedger.timeKey(cutoff) + SEPARATOR + Character.MAX_VALUE)) {
            while (it.hasNext() && due.size() < limit) {
                due.add(it.next());
            }
        }
        List<Parked> expired = new ArrayList<>();
        for (KeyValue<String, String> entry : due) {
            index.delete(entry.key);
            EarlyAcks acks = parked.delete(entry.value);
            if (acks != null) {
                int split = entry.value.indexOf(SEPARATOR);
                expired.add(new Parked(entry.value.substring(0, split), entry.value.substring(split + 1),
                        acks.getParkedAt(), acks.getAcks()));
            }
        }
        return expired;
    }
}
