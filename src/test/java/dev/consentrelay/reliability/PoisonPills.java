package dev.consentrelay.reliability;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SignalValidator;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.topology.DeadLetters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad records of the poison-pill scenario, each with the fragment of the dead-letter reason that must name it:
 * garbage bytes, a wrong magic byte, an unknown schema id, an unknown purpose, an opt-in from a pre-checked box,
 * an empty and a blank subject, and a signal with thousands of identifiers (over the input bounds, which keep every
 * subject-state row below the subject-state topic's limit).
 */
final class PoisonPills {

    static final int STATE_TOPIC_MAX_BYTES = 64 * 1024;
    static final String HUGE_SUBJECT = "huge-subject";

    private record Pill(String name, String key, byte[] value, String reasonFragment) {
    }

    private final List<Pill> pills = new ArrayList<>();

    PoisonPills(Harness h, Workload workload) {
        Signal template = workload.signal(0, Signal.Kind.OPT_OUT, Set.of("advertising"), "link",
                Signal.Source.API, false, Instant.now().minusSeconds(600));
        byte[] valid = h.producer.encode(template);
        int schemaId = ByteBuffer.wrap(valid, 1, 4).getInt();

        byte[] garbage = ByteBuffer.allocate(17).put((byte) 0).putInt(schemaId)
                .put(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})
                .array();
        pills.add(new Pill("garbage bytes", "pill-garbage", garbage, "Cannot decode"));
        byte[] wrongMagic = valid.clone();
        wrongMagic[0] = 7;
        pills.add(new Pill("wrong magic byte", "pill-magic", wrongMagic, "Cannot decode"));
        byte[] unknownId = valid.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654_321);
        pills.add(new Pill("unknown schema id", "pill-schema", unknownId, "Cannot decode"));
        pills.add(new Pill("unknown purpose", "pill-purpose", h.producer.encode(copy(template, "pill-purpose",
                Signal.Kind.OPT_OUT, Set.of("telepathy"), "link", template.identifiers())), "telepathy"));
        pills.add(new Pill("opt-in from a pre-checked box", "pill-prechecked", h.producer.encode(copy(template,
                "pill-prechecked", Signal.Kind.OPT_IN, Set.of("analytics"), "pre_checked_box",
                template.identifiers())), "pre_checked_box"));
        pills.add(new Pill("empty subject", null, h.producer.encode(copy(template, "", Signal.Kind.OPT_OUT,
                Set.of("analytics"), "link", template.identifiers())), "subjectId"));
        pills.add(new Pill("blank subject", "   ", h.producer.encode(copy(template, "   ", Signal.Kind.OPT_OUT,
                Set.of("analytics"), "link", template.identifiers())), "subjectId"));
        List<SubjectIdentifier> many = new ArrayList<>();
        for (int i = 0; many.size() * 48 < 2 * STATE_TOPIC_MAX_BYTES; i++) {
            many.add(new SubjectIdentifier("crm_id", "crm-" + i + "-" + UUID.nameUUIDFromBytes(
                    String.valueOf(i).getBytes(StandardCharsets.UTF_8))));
        }
        // Thousands of identifiers: over the input bound (32), which keeps every row far below the topic's limit.
        pills.add(new Pill("signal over the input bounds", HUGE_SUBJECT, h.producer.encode(copy(
                template, HUGE_SUBJECT, Signal.Kind.OPT_OUT, Set.of(), "link", many)),
                "identifiers; at most " + SignalValidator.MAX_IDENTIFIERS));
    }

    /** Subjects whose valid signals the reference covers (the oversized subject is a pill). */
    static boolean isValidSubject(String subject) {
        return !HUGE_SUBJECT.equals(subject);
    }

    static void createSmallStateTopic(Admin admin, int maxBytes) {
        try {
            admin.createTopics(List.of(new NewTopic(Verifier.TOPICS.subjectState(), 3, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxBytes))))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the small subject-state topic", e);
        }
    }

    int count() {
        return pills.size();
    }

    void send(Harness h, int index) {
        Pill pill = pills.get(index);
        h.producer.sendRaw(pill.key(), pill.value());
    }

    /** Each pill is in the dead-letter topic once, with its original bytes and a reason naming what was wrong. */
    void assertEachDeadLettered(List<ConsumerRecord<byte[], byte[]>> letters) {
        for (Pill pill : pills) {
            List<ConsumerRecord<byte[], byte[]>> matching = letters.stream()
                    .filter(r -> Verifier.reason(r) != null && Verifier.reason(r).contains(pill.reasonFragment()))
                    .filter(r -> pill.value().length == r.value().length || pill.key() != null
                            && HUGE_SUBJECT.equals(pill.key()))
                    .toList();
            assertThat(matching).as("dead letter of the %s (reasons: %s)", pill.name(),
                    letters.stream().map(Verifier::reason).toList()).isNotEmpty();
            assertThat(matching).allSatisfy(r -> assertThat(Verifier.header(r, DeadLetters.SOURCE_TOPIC))
                    .isNotBlank());
        }
    }

    private static Signal copy(Signal s, String subject, Signal.Kind kind, Set<String> purposes,
            String method, List<SubjectIdentifier> identifiers) {
        return new Signal(UUID.randomUUID().toString(), subject, identifiers, kind, purposes, s.region(),
                s.source(), method, Policy.DEFAULT_VERSION, s.occurredAt(), s.receivedAt(), false);
    }
}
