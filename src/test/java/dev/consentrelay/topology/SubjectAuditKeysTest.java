package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit keys sort a subject's trail by time and land in the partition of the subject's other records. */
class SubjectAuditKeysTest {

    private static final Instant AT = Instant.parse("2026-11-30T10:00:00.123Z");

    @Test
    void keysCarryTheSubjectAndTheRecordingTime() {
        String key = SubjectAuditKeys.key("user|with-bar", AT, "e-1");

        assertThat(key).startsWith(SubjectAuditKeys.prefix("user|with-bar")).endsWith("|e-1");
        assertThat(SubjectAuditKeys.recordedAt(key)).isEqualTo(AT);
        assertThat(SubjectAuditKeys.subjectOf(SubjectAuditKeys.key("subj-42", AT, "e-1"))).isEqualTo("subj-42");
        assertThat(SubjectAuditKeys.subjectOf("subj-42")).as("a record keyed by subject alone").isEqualTo("subj-42");
    }

    @Test
    void anAuditRecordGoesToThePartitionTheDefaultPartitionerGivesItsSubject() {
        for (String subject : new String[]{"subj-42", "user-1", "ä-unicode", "x"}) {
            int expected = Utils.toPositive(Utils.murmur2(subject.getBytes(StandardCharsets.UTF_8))) % 12;

            assertThat(SubjectAuditKeys.PARTITIONER.partitions("consent.audit.v1",
                    SubjectAuditKeys.key(subject, AT, "e-1"), null, 12)).isEqualTo(Optional.of(Set.of(expected)));
        }
        assertThat(SubjectAuditKeys.PARTITIONER.partitions("consent.audit.v1", SubjectAuditKeys.key("", AT, "e-1"),
                null, 12)).as("no subject: the default partitioner decides").isEmpty();
    }
}
