package dev.consentrelay.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.TopicPartition;

/**
 * Samples, once a second, how many input records the service has not yet committed: a backlog that grows and
 * falls evenly says the service is short of throughput, a backlog that jumps says it stalled. Read from the
 * consumer group's committed offsets and the topics' end offsets, so it costs the service nothing.
 */
final class BacklogSampler implements AutoCloseable {

    private final ConsumerLag lag;
    private final String group;
    private final Set<TopicPartition> partitions;
    private final List<Long> backlog = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private BacklogSampler(ConsumerLag lag, String group, Set<TopicPartition> partitions) {
        this.lag = lag;
        this.group = group;
        this.partitions = partitions;
        this.thread = new Thread(this::run, "bench-backlog-sampler");
        thread.setDaemon(true);
    }

    /** Starts sampling the group's backlog on the topics. */
    static BacklogSampler start(ConsumerLag lag, String group, Collection<String> topics)
            throws InterruptedException {
        BacklogSampler sampler = new BacklogSampler(lag, group, lag.partitions(topics));
        sampler.thread.start();
        return sampler;
    }

    private void run() {
        long next = System.nanoTime();
        while (running.get()) {
            try {
                long sample = lag.lag(group, partitions);
                synchronized (backlog) {
                    backlog.add(sample);
                }
                next += 1_000_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A failed sample (the broker busy past the admin timeout) leaves a gap, never a wrong figure.
                synchronized (backlog) {
                    backlog.add(-1L);
                }
            }
        }
    }

    /** The samples so far, one a second from the start; -1 where a sample failed. */
    List<Long> samples() {
        synchronized (backlog) {
            return List.copyOf(backlog);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(5_000);
    }
}
