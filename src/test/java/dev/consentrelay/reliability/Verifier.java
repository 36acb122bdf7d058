package dev.consentrelay.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.PurposeChoice;
import dev.consentrelay.domain.PurposeStatus;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.schema.AuditEvent;
import dev.consentrelay.schema.AuditEventType;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.SchemaRegistryClient;
import dev.consentrelay.topology.DeadLetters;
import dev.consentrelay.topology.TopicNames;

/**
 * Reads every output topic with {@code read_committed} (subject state, each vendor's commands, audit, dead letters)
 * through the project's Avro serde and compares what the service committed with the {@link Reference}.
 */
final class Verifier implements AutoCloseable {

    static final TopicNames TOPICS = TopicNames.defaults();

    /** The outcome of a comparison; everything a scenario asserts and reports. */
    record Result(long recordsOut, int decided, int duplicateCommandIds, int signalsDecidedTwice,
            Set<Reference.CommandKey> missingCommands, Set<Reference.CommandKey> unexpectedCommands,
            List<String> stateMismatches, int commands, int deadLetters) {

        int losses() {
            return missingCommands.size() + stateMismatches.size();
        }

        int duplicates() {
            return duplicateCommandIds + signalsDecidedTwice + unexpectedCommands.size();
        }
    }

    private final String bootstrapServers;
    private final AvroSerde<AuditEvent> auditSerde;
    private final AvroSerde<PropagationCommand> commandSerde;
    private final AvroSerde<SubjectConsentState> stateSerde;
    private final CommittedReader audit;
    private final CommittedReader deadLetters;
    private final CommittedReader states;
    private final Map<String, CommittedReader> commandReaders = new LinkedHashMap<>();
    private final Map<String, List<AuditEvent>> decisionsBySignal = new HashMap<>();
    private int auditRead;
    private int duplicateAudits;

    Verifier(String bootstrapServers, SchemaRegistryClient registry, List<String> vendorIds) {
        this.bootstrapServers = bootstrapServers;
        this.auditSerde = AvroSerde.forClass(AuditEvent.class, registry, false);
        this.commandSerde = AvroSerde.forClass(PropagationCommand.class, registry, false);
        this.stateSerde = AvroSerde.forClass(SubjectConsentState.class, registry, false);
        this.audit = new CommittedReader(bootstrapServers, TOPICS.audit());
        this.deadLetters = new CommittedReader(bootstrapServers, TOPICS.deadLetters());
        this.states = new CommittedReader(bootstrapServers, TOPICS.subjectState());
        vendorIds
                .forEach(id -> commandReaders.put(id, new CommittedReader(bootstrapServers, TOPICS.commandsTopic(id))));
    }

    /**
     * Waits until every signal in {@code signalIds} has a committed decision in the audit trail, {@code duplicates}
     * replays were audited as duplicates and {@code deadLetters} records reached the dead-letter topic.
     */
    void awaitProcessed(Set<String> signalIds, int duplicates, int expectedDeadLetters, Duration timeout) {
        Deadline deadline = Deadline.in(timeout);
        while (true) {
            readAudit();
            int dead = deadLetters.catchUp(Duration.ofSeconds(60)).size();
            long decided = signalIds.stream().filter(decisionsBySignal::containsKey).count();
            if (decided == signalIds.size() && duplicateAudits >= duplicates && dead >= expectedDeadLetters) {
                return;
            }
            deadline.check(decided + "/" + signalIds.size() + " signals decided, " + duplicateAudits + "/"
                    + duplicates + " duplicates audited, " + dead + "/" + expectedDeadLetters + " dead letters");
            deadline.pause(Duration.ofMillis(500));
        }
    }

    /** Decision audits of one signal. */
    List<AuditEvent> decisions(String signalId) {
        return decisionsBySignal.getOrDefault(signalId, List.of());
    }

    int duplicateAudits() {
        return duplicateAudits;
    }

    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.catchUp(Duration.ofSeconds(60));
    }

    static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static String reason(ConsumerRecord<?, ?> record) {
        return header(record, DeadLetters.REASON);
    }

    /** The latest committed row per subject on the subject-state topic. */
    Map<String, SubjectConsent> latestStates() {
        Map<String, SubjectConsent> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : states.catchUp(Duration.ofSeconds(120))) {
            String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            latest.put(key, AvroMapper.toDomain(stateSerde.deserializer().deserialize(record.topic(),
                    record.headers(), record.value())));
        }
        return latest;
    }

    /** Every committed command, by vendor. */
    List<PropagationCommand> commands() {
        List<PropagationCommand> all = new ArrayList<>();
        commandReaders.forEach((vendor, reader) -> {
            for (ConsumerRecord<byte[], byte[]> record : reader.catchUp(Duration.ofSeconds(120))) {
                all.add(commandSerde.deserializer().deserialize(record.topic(), record.headers(), record.value()));
            }
        });
        return all;
    }

    /** Compares the committed output for the subjects {@code subjects} accepts with the reference. */
    Result compare(Reference reference, Predicate<String> subjects) {
        readAudit();
        List<PropagationCommand> commands = commands();
        Map<String, Long> byId = commands.stream()
                .collect(Collectors.groupingBy(c -> String.valueOf(c.getCommandId()), Collectors.counting()));
        int duplicateIds = (int) byId.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        Set<Reference.CommandKey> actual = new HashSet<>();
        for (PropagationCommand command : commands) {
            if (subjects.test(command.getSubjectId())) {
                actual.add(Reference.key(AvroMapper.toDomain(command)));
            }
        }
        Set<Reference.CommandKey> expected = reference.commands().stream()
                .filter(key -> subjects.test(subjectOfSignal(reference, key.signalId()))).collect(Collectors.toSet());
        Set<Reference.CommandKey> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        Set<Reference.CommandKey> unexpected = new HashSet<>(actual);
        unexpected.removeAll(expected);

        Map<String, SubjectConsent> latest = latestStates();
        List<String> mismatches = new ArrayList<>();
        reference.states().forEach((subject, want) -> {
            if (!subjects.test(subject)) {
                return;
            }
            String difference = difference(want, latest.get(subject));
            if (difference != null) {
                mismatches.add(subject + ": " + difference);
            }
        });
        int decidedTwice = (int) decisionsBySignal.values().stream().filter(list -> list.size() > 1).count();
        long recordsOut = commands.size() + states.records().size() + audit.records().size()
                + deadLetters.records().size();
        return new Result(recordsOut, decisionsBySignal.size(), duplicateIds, decidedTwice, missing, unexpected,
                mismatches, commands.size(), deadLetters.records().size());
    }

    private final Map<String, String> signalSubjects = new HashMap<>();

    private String subjectOfSignal(Reference reference, String signalId) {
        return signalSubjects.computeIfAbsent(signalId, id -> {
            List<AuditEvent> decided = decisionsBySignal.get(id);
            return decided == null || decided.isEmpty()
                    ? reference.subjectOf(id)
                    : String.valueOf(decided.get(0).getSubjectId());
        });
    }

    /** What differs in the fields that matter: per purpose status, region, erasure, GPC; {@code null} if equal. */
    static String difference(SubjectConsent want, SubjectConsent got) {
        if (got == null) {
            return "no row on the subject-state topic, expected " + summary(want);
        }
        String a = summary(want);
        String b = summary(got);
        return a.equals(b) ? null : "expected " + a + " but was " + b;
    }

    static String summary(SubjectConsent state) {
        Map<String, PurposeStatus> statuses = new TreeMap<>();
        state.purposes().forEach((purpose, consent) -> statuses.put(purpose, statusOf(consent)));
        return "region=" + state.region() + " erased=" + state.isErased() + " gpc=" + state.isGpcActive() + " "
                + statuses;
    }

    private static PurposeStatus statusOf(PurposeChoice consent) {
        return consent == null ? null : consent.status();
    }

    private void readAudit() {
        List<ConsumerRecord<byte[], byte[]>> records = audit.catchUp(Duration.ofSeconds(120));
        for (; auditRead < records.size(); auditRead++) {
            ConsumerRecord<byte[], byte[]> record = records.get(auditRead);
            AuditEvent event = auditSerde.deserializer().deserialize(record.topic(), record.headers(),
                    record.value());
            if (event.getType() == AuditEventType.DECISION && event.getSignalId() != null) {
                decisionsBySignal.computeIfAbsent(String.valueOf(event.getSignalId()), id -> new ArrayList<>())
                        .add(event);
            } else if (event.getType() == AuditEventType.SIGNAL_RECEIVED
                    && Objects.toString(event.getReason(), "").startsWith("Duplicate")) {
                duplicateAudits++;
            }
        }
    }

    /**
     * Waits until no transaction of the application is open: none listed as ongoing, and on every output partition
     * the last stable offset equals the high watermark. Returns how long that took.
     */
    Duration awaitNoOpenTransactions(Duration timeout) {
        long started = System.nanoTime();
        List<String> topics = new ArrayList<>(List.of(TOPICS.audit(), TOPICS.subjectState(), TOPICS.deadLetters()));
        commandReaders.keySet().forEach(id -> topics.add(TOPICS.commandsTopic(id)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Deadline deadline = Deadline.in(timeout);
            String last = "";
            while (true) {
                List<String> open = new ArrayList<>();
                for (TransactionListing listing : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
                    if (listing.state() == TransactionState.ONGOING
                            || listing.state() == TransactionState.PREPARE_COMMIT
                            || listing.state() == TransactionState.PREPARE_ABORT) {
                        open.add(listing.transactionalId() + "=" + listing.state());
                    }
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (String topic : topics) {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                            .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
                                    OffsetSpec.latest()));
                }
                var committed = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all().get(30, TimeUnit.SECONDS);
                var uncommitted = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                        .all().get(30, TimeUnit.SECONDS);
                latest.keySet().forEach(tp -> {
                    if (committed.get(tp).offset() != uncommitted.get(tp).offset()) {
                        open.add(tp + " LSO " + committed.get(tp).offset() + " < HW " + uncommitted.get(tp).offset());
                    }
                });
                if (open.isEmpty()) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
                last = String.join(", ", open);
                deadline.check("no open transaction; still open: " + last);
                deadline.pause(Duration.ofMillis(500));
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list transactions", e);
        }
    }

    @Override
    public void close() {
        audit.close();
        deadLetters.close();
        states.close();
        commandReaders.values().forEach(CommittedReader::close);
        auditSerde.close();
        commandSerde.close();
        stateSerde.close();
    }
}
