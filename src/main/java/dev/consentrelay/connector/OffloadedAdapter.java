package dev.consentrelay.connector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.consentrelay.schema.PropagationCommand;

/**
 * Runs an adapter that blocks on {@code threads} threads of the vendor's own, so that its deliveries never hold up the
 * connectors' feed or the webhook transport's event loop. The connector starts at most as many deliveries at once as
 * it has lanes, which is the number of threads, so a delivery never waits for a thread. Closing it interrupts the
 * deliveries still running (their commands are delivered again after the restart) and then closes the adapter.
 */
final class OffloadedAdapter implements VendorAdapter {

    private static final Logger LOG = Logger.getLogger(OffloadedAdapter.class);

    private final VendorAdapter adapter;
    private final ExecutorService threads;

    OffloadedAdapter(VendorAdapter adapter, int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread");
        }
        this.adapter = adapter;
        AtomicInteger next = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name + "-lane-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public DeliveryResult deliver(PropagationCommand command) {
        return adapter.deliver(command);
    }

    @Override
    public CompletionStage<DeliveryResult> deliverAsync(PropagationCommand command) {
        try {
            return CompletableFuture.supplyAsync(() -> adapter.deliver(command), threads);
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.failedFuture(stopping);
        }
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public String kind() {
        return adapter.kind();
    }

    @Override
    public void close() {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warnf("A %s delivery did not stop in time", adapter.kind());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        adapter.close();
    }

    @Override
    public String toString() {
        return adapter.toString();
    }
}
