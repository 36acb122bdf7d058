package dev.consentrelay.connector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.PropagationCommand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A blocking adapter on the vendor's own threads: the caller never waits for it, and a stop interrupts it. */
class OffloadedAdapterTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String deliveringThread;

    private final VendorAdapter blocking = new VendorAdapter() {
        @Override
        public DeliveryResult deliver(PropagationCommand command) {
            deliveringThread = Thread.currentThread().getName();
            try {
                release.await();
                return DeliveryResult.applied("written");
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
                return DeliveryResult.retry("interrupted");
            }
        }

        @Override
        public String kind() {
            return "file";
        }

        @Override
        public void close() {
            closed.set(true);
        }
    };

    @Test
    void shouldDeliverOnTheVendorsThreadsWithoutBlockingTheCaller() throws Exception {
        OffloadedAdapter adapter = new OffloadedAdapter(blocking, 2, "connector-archive");
        try {
            CompletableFuture<DeliveryResult> result = adapter
                    .deliverAsync(TestCommands.suppress("archive", "subject-1")).toCompletableFuture();

            assertThat(result).as("the caller went on while the delivery blocks").isNotDone();
            release.countDown();
            assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(DeliveryResult.Status.APPLIED);
            assertThat(deliveringThread).isEqualTo("connector-archive-lane-0");
            assertThat(adapter.nonBlocking()).isTrue();
        } finally {
            adapter.close();
        }
    }

    @Test
    void shouldInterruptADeliveryStillRunningAndCloseTheAdapterWhenClosed() throws Exception {
        OffloadedAdapter adapter = new OffloadedAdapter(blocking, 1, "connector-archive");
        CompletableFuture<DeliveryResult> result = adapter.deliverAsync(TestCommands.suppress("archive", "subject-2"))
                .toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveringThread != null);

        adapter.close();

        assertThat(interrupted).isTrue();
        assertThat(closed).isTrue();
        assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(DeliveryResult.Status.RETRY);
        assertThat(adapter.deliverAsync(TestCommands.suppress("archive", "subject-3")))
                .as("nothing runs after the stop").isCompletedExceptionally();
    }
}
