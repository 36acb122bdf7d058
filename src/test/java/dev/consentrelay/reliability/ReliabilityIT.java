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

import dev.consentrelay.domain.Decision;
import dev.consentrelay.domain.PurposeStatus;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.schema.DecisionOutcome;
import dev.consentrelay.schema.SlaBreach;
import dev.consentrelay.serde.AvroSerde;
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
            List<Signal> input = workload.next(signals);
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
                h.startService();
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
            List<Signal> input = workload.next(signals);
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

    @Test
    @org.junit.jupiter.api.Order(3)
    void poisonPillsAreDeadLetteredAndEverythingAroundThemIsProcessed() {
        int signals = Harness.intProperty("reliability.poison.signals", 2_000);
        int subjects = Harness.intProperty("reliability.poison.subjects", 200);
        long started = System.nanoTime();
        // The subject-state topic accepts records up to 64 KiB; a signal with a huge identifier list fits the input
        // topic but not the input bounds, which keep every row below that limit.
        try (Harness h = Harness.start("3-poison-pills", registryUrl, admin -> PoisonPills.createSmallStateTopic(
                admin, PoisonPills.STATE_TOPIC_MAX_BYTES))) {
            Workload workload = Workload.startingNow(SEED + 3, "p-", subjects);
            List<Signal> valid = workload.next(signals);
            PoisonPills pills = new PoisonPills(h, workload);
            Random random = new Random(SEED + 3);
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < pills.count(); i++) {
                positions.add(random.nextInt(signals));
            }
            positions.sort(null);
            int next = 0;
            for (int i = 0; i < valid.size(); i++) {
                while (next < positions.size() && positions.get(next) == i) {
                    pills.send(h, next++);
                }
                h.producer.send(valid.get(i));
            }
            while (next < pills.count()) {
                pills.send(h, next++);
            }
            h.producer.flush();

            Reference reference = h.reference().applyAll(valid);
            h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, pills.count(), PROCESSING_TIMEOUT);
            h.service.stop();
            h.verifier.awaitNoOpenTransactions(Duration.ofSeconds(60));
            Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE.and(PoisonPills::isValidSubject));
            var letters = h.verifier.deadLetters();
            List<String> reasons = letters.stream().map(Verifier::reason).toList();
            new ScenarioReport("3-poison-pills").result(signals + pills.count(), result, List.of())
                    .put("validSignals", signals).put("poisonPills", pills.count()).put("deadLetterReasons", reasons)
                    .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                    .write(reports());
            assertExact(result, reference);
            assertThat(letters).as("one dead letter per poison pill, no more").hasSize(pills.count());
            assertThat(reasons).allSatisfy(reason -> assertThat(reason).isNotBlank());
            pills.assertEachDeadLettered(letters);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void replaysAndOlderOptInsChangeNothing() {
        int signals = Harness.intProperty("reliability.dup.signals", 5_000);
        int subjects = Harness.intProperty("reliability.dup.subjects", 500);
        int replayed = Harness.intProperty("reliability.dup.replayed", 2_000);
        int disordered = Harness.intProperty("reliability.dup.disordered", 100);
        long started = System.nanoTime();
        try (Harness h = Harness.start("4-duplicates-disorder", registryUrl)) {
            Workload workload = Workload.startingNow(SEED + 4, "d-", subjects);
            List<Signal> input = new ArrayList<>(workload.next(signals));
            // Each disordered subject refuses advertising, then an older opt-in to it arrives.
            Workload late = Workload.startingNow(SEED + 40, "late-", disordered * 6);
            java.time.Instant refusedAt = java.time.Instant.now().minus(Duration.ofMinutes(30));
            List<Signal> refusals = new ArrayList<>();
            List<Signal> olderOptIns = new ArrayList<>();
            for (int i = 0; i < disordered; i++) {
                int index = 6 * i + 3; // a US state: advertising is allowed until refused
                refusals.add(late.signal(index, Signal.Kind.OPT_OUT, Set.of("advertising"),
                        "link", Signal.Source.PREFERENCE_CENTER, false, refusedAt));
                olderOptIns.add(late.signal(index, Signal.Kind.OPT_IN, Set.of("advertising"),
                        "toggle", Signal.Source.WEB_BANNER, false,
                        refusedAt.minus(Duration.ofHours(1))));
            }
            input.addAll(refusals);
            input.addAll(olderOptIns);
            List<Signal> replay = new ArrayList<>(input.subList(0, Math.min(replayed, signals)));
            replay.addAll(refusals);
            input.addAll(replay);
            h.producer.sendAll(input);
            h.producer.flush();

            Reference reference = h.reference().applyAll(input);
            // A replayed GPC that was a no-op the first time (the subject's GPC already active) is one again: not
            // remembered, so not audited as a duplicate either.
            int replayedNoOps = (int) replay.stream().filter(s -> !reference.outcomes().containsKey(s.signalId()))
                    .count();
            assertThat(reference.duplicates()).isEqualTo(replay.size() - replayedNoOps);
            h.verifier.awaitProcessed(reference.outcomes().keySet(), reference.duplicates(), 0, PROCESSING_TIMEOUT);
            h.service.stop();
            h.verifier.awaitNoOpenTransactions(Duration.ofSeconds(60));
            Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE);
            new ScenarioReport("4-duplicates-disorder").result(input.size(), result, List.of())
                    .put("replayed", replay.size()).put("duplicatesAudited", h.verifier.duplicateAudits())
                    .put("gpcNoOps", reference.gpcNoOps())
                    .put("olderOptInsAfterOptOut", disordered)
                    .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                    .write(reports());
            assertExact(result, reference);
            assertThat(h.verifier.duplicateAudits()).as("every replay of a decided signal audited as a duplicate, once")
                    .isEqualTo(replay.size() - replayedNoOps);
            Set<String> lateIds = ids(olderOptIns);
            assertThat(h.verifier.commands()).as("no command from an older opt-in")
                    .noneMatch(c -> lateIds.contains(String.valueOf(c.getSignalId())));
            for (Signal optIn : olderOptIns) {
                assertThat(h.verifier.decisions(optIn.signalId())).singleElement()
                        .satisfies(audit -> assertThat(audit.getOutcome())
                                .isEqualTo(DecisionOutcome.SUPERSEDED));
            }
            var states = h.verifier.latestStates();
            for (Signal refusal : refusals) {
                assertThat(states.get(refusal.subjectId()).purposes().get("advertising").status())
                        .as("the refusal of %s stands", refusal.subjectId())
                        .isEqualTo(PurposeStatus.DENIED);
            }
        }
    }

    /**
     * Written against the connector runtime's contract, which is being built alongside: per-vendor webhook delivery
     * ({@code consent-relay.connectors.vendors.<id>.adapter=webhook}, {@code .url}, {@code .secret},
     * {@code .max-attempts}, {@code .initial-backoff}), acknowledgements on {@code consent.command-acks.v1} and SLA
     * breaches on {@code consent.sla-breaches.v1} (keyed by signal id, one per overdue command).
     */
    @Test
    @org.junit.jupiter.api.Order(5)
    void vendorOutageIsRiddenOutWithEachCommandAppliedOnce() {
        int signals = Harness.intProperty("reliability.outage.signals", 400);
        int subjects = Harness.intProperty("reliability.outage.subjects", 100);
        long started = System.nanoTime();
        try (WebhookVendor adnet = new WebhookVendor(); WebhookVendor mailer = new WebhookVendor()) {
            java.util.Map<String, String> connectors = new java.util.HashMap<>();
            connectors.put("consent-relay.role", "all");
            for (var vendor : java.util.Map.of("adnet", adnet, "mailer", mailer).entrySet()) {
                String prefix = "consent-relay.connectors.vendors." + vendor.getKey() + ".";
                connectors.put(prefix + "adapter", "webhook");
                connectors.put(prefix + "insecure", "true");
                connectors.put(prefix + "url", vendor.getValue().url());
                connectors.put(prefix + "secret", "reliability-" + vendor.getKey());
                connectors.put(prefix + "max-attempts", "1000");
                connectors.put(prefix + "initial-backoff", "200ms");
            }
            try (Harness h = Harness.start("5-vendor-outage", registryUrl, null, "reliability-outage-vendors.yaml",
                    connectors)) {
                Workload workload = Workload.startingNow(SEED + 5, "o-", subjects);
                List<Signal> input = workload.next(signals);
                Reference reference = h.reference().applyAll(input);
                adnet.down(true);
                long downAt = System.nanoTime();
                h.producer.sendAll(input);
                h.producer.flush();
                h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, 0, PROCESSING_TIMEOUT);
                Set<String> mailerIds = commandIds(h, "mailer", Harness.NOT_PROBE);
                Set<String> adnetIds = commandIds(h, "adnet", Harness.NOT_PROBE);
                // Other vendors are unaffected: mailer applies everything while adnet is down.
                Deadline deadline = Deadline.in(PROCESSING_TIMEOUT);
                while (!mailer.applied().containsAll(mailerIds) || adnet.refused() == 0) {
                    deadline.check("mailer to apply its commands during the adnet outage");
                    deadline.pause(Duration.ofMillis(200));
                }
                // Commands pass their 5 s deadline while the vendor is down: the tracker reports the breaches.
                Set<String> breached = new java.util.HashSet<>();
                AvroSerde<SlaBreach> breachSerde = AvroSerde.forClass(SlaBreach.class, h.registry, false);
                try (CommittedReader breaches = new CommittedReader(h.broker.bootstrapServers(),
                        "consent.sla-breaches.v1")) {
                    while (!breached.containsAll(adnetIds)) {
                        breached.clear();
                        // Breaches are keyed by signal id; the value names the command.
                        breaches.catchUp(Duration.ofSeconds(30)).forEach(r -> breached.add(String.valueOf(
                                breachSerde.deserializer().deserialize(r.topic(), r.value()).getCommandId())));
                        deadline.check("SLA breaches for the adnet commands held up by its outage");
                        deadline.pause(Duration.ofMillis(500));
                    }
                }
                adnet.down(false);
                long upAt = System.nanoTime();
                while (!adnet.applied().containsAll(adnetIds)) {
                    deadline.check("adnet to apply every command once it is back");
                    deadline.pause(Duration.ofMillis(200));
                }
                long recoveredMillis = Duration.ofNanos(System.nanoTime() - upAt).toMillis();
                Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE);
                new ScenarioReport("5-vendor-outage").result(signals, result, List.of(recoveredMillis))
                        .put("outageMillis", Duration.ofNanos(upAt - downAt).toMillis())
                        .put("refusedDeliveries", adnet.refused()).put("adnetApplied", adnet.applied().size())
                        .put("mailerApplied", mailer.applied().size()).put("slaBreaches", breached.size())
                        .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                        .write(reports());
                assertExact(result, reference);
                // Probe commands (sent before the outage) included: every command applied, none applied twice.
                assertThat(adnet.applied()).as("adnet applied exactly its commands")
                        .isEqualTo(commandIds(h, "adnet", subject -> true));
                assertThat(mailer.applied()).as("mailer applied exactly its commands")
                        .isEqualTo(commandIds(h, "mailer", subject -> true));
            }
        }
    }

    private static Set<String> commandIds(Harness h, String vendorId,
            java.util.function.Predicate<String> subjects) {
        return h.verifier.commands().stream().filter(c -> vendorId.equals(c.getVendorId()))
                .filter(c -> subjects.test(c.getSubjectId())).map(c -> String.valueOf(c.getCommandId()))
                .collect(Collectors.toSet());
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void stateDirectoryLostWhileStoppedIsRestoredFromTheChangelog() {
        int signals = Harness.intProperty("reliability.restore.signals", 10_000);
        int subjects = Harness.intProperty("reliability.restore.subjects", 1_000);
        int sampled = Harness.intProperty("reliability.restore.sampled", 200);
        long started = System.nanoTime();
        try (Harness h = Harness.start("6-state-loss", registryUrl)) {
            Workload workload = Workload.startingNow(SEED + 6, "r-", subjects);
            List<Signal> input = workload.next(signals);
            h.producer.sendAll(input);
            h.producer.flush();
            Reference reference = h.reference().applyAll(input);
            h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, 0, PROCESSING_TIMEOUT);

            h.service.stop();
            h.deleteServiceState();
            long restartAt = System.nanoTime();
            h.startService();
            long restoreMillis = Duration.ofNanos(System.nanoTime() - restartAt).toMillis();

            // A probe per sampled subject: no change if the table was restored, commands if it was lost.
            List<Signal> probes = new ArrayList<>();
            java.time.Instant probeAt = java.time.Instant.now().minusSeconds(60);
            for (int index = 0; index < subjects && probes.size() < sampled; index++) {
                var state = reference.states().get(workload.subject(index));
                if (state == null) {
                    continue;
                }
                for (String purpose : Workload.PURPOSES) {
                    Signal probe = workload.signal(index, Signal.Kind.OPT_OUT,
                            Set.of(purpose), "link", Signal.Source.API, false, probeAt);
                    var restored = reference.wouldDecide(state, probe);
                    var lost = reference.wouldDecide(null, probe);
                    if (restored.commands().isEmpty() && restored.outcome() == Decision.Outcome.NO_CHANGE
                            && !lost.commands().isEmpty()) {
                        probes.add(probe);
                        break;
                    }
                }
            }
            probes.forEach(reference::apply);
            h.producer.sendAll(probes);
            h.producer.flush();
            h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, 0, PROCESSING_TIMEOUT);
            long noChange = probes.stream().filter(p -> h.verifier.decisions(p.signalId()).stream()
                    .allMatch(a -> a.getOutcome() == DecisionOutcome.NO_CHANGE)).count();
            h.service.stop();
            h.verifier.awaitNoOpenTransactions(Duration.ofSeconds(60));
            Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE);
            new ScenarioReport("6-state-loss").result(signals + probes.size(), result, List.of(restoreMillis))
                    .put("subjects", subjects).put("probes", probes.size()).put("probesNoChange", noChange)
                    .put("restoreMillis", restoreMillis)
                    .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                    .write(reports());
            assertThat(probes).as("discriminating probes").hasSizeGreaterThan(sampled / 2);
            assertThat(noChange).as("probes answered as before the state was lost").isEqualTo(probes.size());
            assertExact(result, reference);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void producerSwitchingToTheV2SchemaMidRunLosesNothing() {
        int signals = Harness.intProperty("reliability.schema.signals", 10_000);
        int subjects = Harness.intProperty("reliability.schema.subjects", 1_000);
        long started = System.nanoTime();
        try (Harness h = Harness.start("7-schema-evolution", registryUrl)) {
            Workload workload = Workload.startingNow(SEED + 7, "v-", subjects);
            List<Signal> input = workload.next(signals);
            SignalV2Writer v2 = new SignalV2Writer(h.registry, Verifier.TOPICS.signals());
            int switchAt = signals / 2;
            for (int i = 0; i < input.size(); i++) {
                Signal signal = input.get(i);
                if (i < switchAt) {
                    h.producer.send(signal);
                } else {
                    h.producer.sendRaw(signal.subjectId(), v2.encode(signal, "CQ" + i));
                }
            }
            h.producer.flush();
            Reference reference = h.reference().applyAll(input);
            h.verifier.awaitProcessed(reference.outcomes().keySet(), 0, 0, PROCESSING_TIMEOUT);
            h.service.stop();
            h.verifier.awaitNoOpenTransactions(Duration.ofSeconds(60));
            Verifier.Result result = h.verifier.compare(reference, Harness.NOT_PROBE);
            new ScenarioReport("7-schema-evolution").result(signals, result, List.of()).put("v1Signals", switchAt)
                    .put("v2Signals", signals - switchAt).put("v2SchemaId", v2.schemaId())
                    .put("durationMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                    .write(reports());
            assertThat(h.verifier.deadLetters()).as("nothing rejected").isEmpty();
            // Nothing lost: a signal without a committed decision can only be a GPC signal the service decided as a
            // no-op (the subject's GPC already active); commands and final states are compared exactly below.
            assertThat(input).filteredOn(signal -> h.verifier.decisions(signal.signalId()).isEmpty())
                    .as("signals without a decision").allSatisfy(signal -> assertThat(signal.kind())
                            .isEqualTo(Signal.Kind.GPC));
            assertThat(result.decided()).isGreaterThanOrEqualTo(signals - reference.gpcNoOps());
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

    static Set<String> ids(List<Signal> signals) {
        return signals.stream().map(Signal::signalId).collect(Collectors.toSet());
    }

    static boolean applied(Reference reference, String signalId) {
        return reference.outcomes().get(signalId) == Decision.Outcome.APPLIED;
    }
}
