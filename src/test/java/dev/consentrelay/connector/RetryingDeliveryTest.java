package dev.consentrelay.connector;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.PropagationCommand;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries without a waiting thread: each backoff and each rate-limit wait is handed to the delayer, the next attempt
 * starts when the delayer runs it, and the outcome completes with the vendor's last answer.
 */
class RetryingDeliveryTest {

    private final PropagationCommand command = TestCommands.suppress("mailer", "subject-1");
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private final Queue<CompletableFuture<DeliveryResult>> attempts = new ArrayDeque<>();
    private final VendorAdapter vendor = new VendorAdapter() {
        @Override
        public DeliveryResult deliver(PropagationCommand delivered) {
            throw new AssertionError("delivered without blocking");
        }

        @Override
        public CompletionStage<DeliveryResult> deliverAsync(PropagationCommand delivered) {
            CompletableFuture<DeliveryResult> answer = new CompletableFuture<>();
            attempts.add(answer);
            return answer;
        }

        @Override
        public boolean nonBlocking() {
            return true;
        }

        @Override
        public String kind() {
            return "test";
        }
    };

    @Test
    void shouldRetryATransientFailureAfterTheBackoffWithoutHoldingAThread() {
        CompletableFuture<RetryingDelivery.Outcome> outcome = delivery(3, TokenBucket.perSecond(1000))
                .deliver(command).toCompletableFuture();

        attempts.remove().complete(DeliveryResult.retry("HTTP 503"));
        assertThat(outcome).as("waiting out its backoff").isNotDone();
        assertThat(waits).containsExactly(Duration.ofMillis(100));
        assertThat(attempts).as("no attempt before the backoff has passed").isEmpty();

        waiting.remove().run();
        attempts.remove().complete(DeliveryResult.applied("HTTP 200"));

        assertThat(outcome).isCompleted();
        assertThat(outcome.join().status()).isEqualTo(AckStatus.APPLIED);
        assertThat(outcome.join().attempts()).isEqualTo(2);
    }

    @Test
    void shouldGiveUpWithFailedAfterTheLastAttempt() {
        CompletableFuture<RetryingDelivery.Outcome> outcome = delivery(2, TokenBucket.perSecond(1000))
                .deliver(command).toCompletableFuture();

        attempts.remove().complete(DeliveryResult.retry("HTTP 500"));
        waiting.remove().run();
        attempts.remove().complete(DeliveryResult.retry("HTTP 500"));

        assertThat(outcome.join().status()).isEqualTo(AckStatus.FAILED);
        assertThat(outcome.join().detail()).isEqualTo("gave up after 2 attempts: HTTP 500");
        assertThat(waits).as("one backoff, between the two attempts").hasSize(1);
    }

    @Test
    void shouldWaitForARateLimitTokenOnTheDelayer() {
        TokenBucket oneASecond = TokenBucket.perSecond(1);
        RetryingDelivery delivery = delivery(1, oneASecond);
        delivery.deliver(command);
        attempts.remove().complete(DeliveryResult.applied("HTTP 200"));

        CompletableFuture<RetryingDelivery.Outcome> second = delivery.deliver(command).toCompletableFuture();

        assertThat(attempts).as("the second waits for its token").isEmpty();
        assertThat(waits).singleElement().satisfies(wait -> assertThat(wait)
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(1)));
        waiting.remove().run();
        attempts.remove().complete(DeliveryResult.applied("HTTP 200"));
        assertThat(second.join().status()).isEqualTo(AckStatus.APPLIED);
    }

    @Test
    void shouldEndExceptionallyWhenStoppedDuringABackoff() {
        RetryingDelivery delivery = new RetryingDelivery("mailer", vendor,
                new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(100)), TokenBucket.perSecond(1000),
                (wait, then) -> {
                    throw new RejectedExecutionException("stopping");
                }, Clock.systemUTC(), (retried, attempt, result) -> {
                });
        CompletableFuture<RetryingDelivery.Outcome> outcome = delivery.deliver(command).toCompletableFuture();

        attempts.remove().complete(DeliveryResult.retry("HTTP 503"));

        assertThat(outcome).as("no outcome, so no acknowledgement: delivered again after the restart")
                .isCompletedExceptionally();
    }

    @Test
    void shouldEndExceptionallyWhenTheAdapterCrashes() {
        CompletableFuture<RetryingDelivery.Outcome> outcome = delivery(3, TokenBucket.perSecond(1000))
                .deliver(command).toCompletableFuture();

        attempts.remove().completeExceptionally(new IllegalStateException("adapter bug"));

        assertThat(outcome).isCompletedExceptionally();
        assertThat(waits).as("a crash is not retried").isEmpty();
    }

    private RetryingDelivery delivery(int maxAttempts, TokenBucket rateLimit) {
        return new RetryingDelivery("mailer", vendor,
                new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofMillis(100)), rateLimit,
                (wait, then) -> {
                    waits.add(wait);
                    waiting.add(then);
                }, Clock.systemUTC(), (retried, attempt, result) -> {
                }).withJitter(() -> 1.0);
    }
}
