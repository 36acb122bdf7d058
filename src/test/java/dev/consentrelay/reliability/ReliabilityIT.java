package dev.consentrelay.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.consentrelay.domain.ConsentSignal;
import dev.consentrelay.domain.DecisionOutcome;
import dev.consentrelay.testing.ApicurioRegistryExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reliability suite: the packaged service and the broker each run as their own process, are killed with SIGKILL
 * at seeded moments ("after K input records are committed") and restarted; a {@code read_committed} verifier then
 * compares every output topic with a reference computed by the policy engine alone. Sizes can be raised for local
 * runs with system properties ({@code -Dreliability.kill.signals=...}); the defaults fit CI.
 * <p>
 * Run one scenario: {@code ./mvnw verify -Dit.test='ReliabilityIT#processorKilledThreeTimes'}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

    static final long SEED = Long.getLong("reliability.seed", 20261123L);
    static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(Long.getLong("reliability.timeout.minutes", 6));

    private static String registryUrl;

    @BeforeAll
    static void startRegistry() {
        registryUrl = ApicurioRegistryExtension.startForJvm();
    }

    static Path reports() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target/reliability");
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void processorKilledThreeTimes() {
        int signals = Harness.intProperty("reliability.kill.signals", 100_000);
        int subjects = Harness.intProperty("reliability.kill.subjects", 10_000);
        int kills = Harness.intProperty("reliability.kill.count", 3);
        long started = System.nanoTime();
        try (Harness h = Harness.start("1-processor-kill", registryUrl)) {
            Workload workload = Workload.startingNow(SEED, "k-", subjects);
            List<ConsentSignal> input = workload.next(signals);
            Random random = new Random(SEED);
            List<Long> killPoints = new ArrayList<>();
            for (int i = 0; i < kills; i++) {
                killPoints.add((long) (signals * (0.1 + 0.8 * random.nextDouble())));
            }
            killPoints.sort(null);
            long base = h.committedInput();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                h.producer.sendAll(input);
                h.producer.flush();
            });
            List<Long> recoveries = new ArrayList<>();
            List<Long> killedAt = new ArrayList<>();
            Deadline deadline = Deadline.in(PROCESSING_TIMEOUT);
            for (long point : killPoints) {
                long committed;
                while ((committed = h.committedInput() - base) < point) {
                    deadline.check("the service to commit " + point + " input records (at " + committed + ")");
                    deadline.pause(Duration.ofMillis(100));
                }
                long killTime = System.nanoTime();
                h.service.kill();
                killedAt.add(committed);
                h.service.start();
                while (h.committedInput() - base <= committed) {
                    deadline.check("processing to resume after the kill at " + committed);
                    deadline.pause(Duration.ofMillis(100));
                }
                recoveries.add(Duration.ofNanos(System.nanoTime() - killTime).toMillis());
            }
            SignalProducer.await(publishing);

            Reference reference = h.reference().applyAll(input);
            h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, 0, PROCESSING_TIMEOUT);
            h.service.stop();
            Duration txWait = h.verifier.awaitNoOpenTransactions(Duration.ofSeconds(60));
            Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE);
            new ScenarioReport("1-processor-kill").result(signals, result, recoveries).put("subjects", subjects)
                    .put("killedAfterCommitted", killedAt).put("openTransactionWaitMillis", txWait.toMillis())
                    .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                    .write(reports());
            assertExact(result, reference);
            assertThat(h.verifier.deadLetters()).isEmpty();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void brokerKilledAndRestartedWhileTheServiceRuns() {
        int signals = Harness.intProperty("reliability.broker.signals", 20_000);
        int subjects = Harness.intProperty("reliability.broker.subjects", 2_000);
        long started = System.nanoTime();
        try (Harness h = Harness.start("2-broker-restart", registryUrl)) {
            Workload workload = Workload.startingNow(SEED + 2, "b-", subjects);
            List<ConsentSignal> input = workload.next(signals);
            long point = (long) (signals * (0.2 + 0.6 * new Random(SEED + 2).nextDouble()));
            long base = h.committedInput();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                h.producer.sendAll(input);
                h.producer.flush();
            });
            Deadline deadline = Deadline.in(PROCESSING_TIMEOUT);
            long committed;
            while ((committed = h.committedInput() - base) < point) {
                deadline.check("the service to commit " + point + " input records (at " + committed + ")");
                deadline.pause(Duration.ofMillis(100));
            }
            long killTime = System.nanoTime();
            h.broker.kill();
            h.broker.start();
            long brokerBack = System.nanoTime();
            while (h.committedInput() - base <= committed) {
                assertThat(h.service.isAlive()).as("the service survives the broker restart").isTrue();
                deadline.check("processing to resume after the broker restart (committed " + committed + ")");
                deadline.pause(Duration.ofMillis(100));
            }
            long recovered = System.nanoTime();
            SignalProducer.await(publishing);

            Reference reference = h.reference().applyAll(input);
            h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, 0, PROCESSING_TIMEOUT);
            assertThat(h.service.isAlive()).as("the service was never restarted").isTrue();
            h.service.stop();
            Duration txWait = h.verifier.awaitNoOpenTransactions(Duration.ofSeconds(60));
            Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE);
            new ScenarioReport("2-broker-restart")
                    .result(signals, result, List.of(Duration.ofNanos(recovered - killTime).toMillis()))
                    .put("subjects", subjects).put("brokerKilledAfterCommitted", committed)
                    .put("brokerRestartMillis", Duration.ofNanos(brokerBack - killTime).toMillis())
                    .put("serviceStarts", 1).put("openTransactionWaitMillis", txWait.toMillis())
                    .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                    .write(reports());
            assertExact(result, reference);
        }
    }

    /** Nothing lost, nothing doubled: the committed output is exactly the reference. */
    static void assertExact(Verifier.Result result, Reference reference) {
        assertThat(result.duplicateCommandIds()).as("duplicate command ids").isZero();
        assertThat(result.signalsDecidedTwice()).as("signals with more than one committed decision").isZero();
        assertThat(result.missingCommands()).as("commands the reference issued but the service did not").isEmpty();
        assertThat(result.unexpectedCommands()).as("commands the service issued but the reference did not")
                .isEmpty();
        assertThat(result.stateMismatches()).as("subjects whose final state differs from the reference").isEmpty();
    }

    static Set<String> ids(List<ConsentSignal> signals) {
        return signals.stream().map(ConsentSignal::signalId).collect(Collectors.toSet());
    }

    static boolean applied(Reference reference, String signalId) {
        return reference.outcomes().get(signalId) == DecisionOutcome.APPLIED;
    }
}
