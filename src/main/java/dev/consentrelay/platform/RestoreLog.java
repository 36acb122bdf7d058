package dev.consentrelay.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.jboss.logging.Logger;

/**
 * Logs each state store's restoration from its changelog: how many records, how long. Kafka Streams restores a store
 * when its local state is missing or behind (a new instance, a wiped state directory, a moved task), and until every
 * store of a task is restored the task processes nothing: these lines say where a slow start goes. Picked up by the
 * Quarkus Kafka Streams extension as the global restore listener.
 */
@ApplicationScoped
public class RestoreLog implements StateRestoreListener {

    private static final Logger LOG = Logger.getLogger(RestoreLog.class);

    private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition changelog, String storeName, long startingOffset, long endingOffset) {
        started.put(changelog, System.nanoTime());
        LOG.infof("Restoring store %s from %s: offsets %d to %d", storeName, changelog, startingOffset,
                endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String storeName, long batchEndOffset,
            long numRestored) {
        // Per batch would flood the log; the end line carries the total.
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String storeName, long totalRestored) {
        Long start = started.remove(changelog);
        long millis = start == null ? -1 : (System.nanoTime() - start) / 1_000_000;
        LOG.infof("Restored store %s from %s: %d records in %d ms", storeName, changelog, totalRestored, millis);
    }

    @Override
    public void onRestoreSuspended(TopicPartition changelog, String storeName, long totalRestored) {
        started.remove(changelog);
        LOG.infof("Restoring store %s from %s suspended after %d records (task moved)", storeName, changelog,
                totalRestored);
    }
}
