package dev.consentrelay.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterProductionHandlerTest {

    private final byte[] sourceValue = "the original signal".getBytes(StandardCharsets.UTF_8);
    private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
    private final DeadLetterProductionHandler handler = new DeadLetterProductionHandler("dlq", sent::add);
    private final DefaultErrorHandlerContext context = new DefaultErrorHandlerContext(null, "consent.signals.v1", 2,
            41L, new RecordHeaders(), "apply-signal", new TaskId(0, 2), 0L, "subject".getBytes(StandardCharsets.UTF_8),
            sourceValue);

    @Test
    void shouldDeadLetterTheSourceOfAnOutputRecordTooLargeForItsTopicAndContinue() {
        ProductionExceptionHandlerResponse response = handler.handle(context,
                new ProducerRecord<>("consent.audit.v1", new byte[0], new byte[0]),
                new RecordTooLargeException("2 MiB is larger than max.message.bytes"));

        assertThat(response).isEqualTo(ProductionExceptionHandlerResponse.CONTINUE);
        assertThat(sent).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("dlq");
            assertThat(record.value()).isEqualTo(sourceValue);
            assertThat(DeadLetters.header(record.headers(), DeadLetters.REASON)).contains("consent.audit.v1")
                    .contains("larger than max.message.bytes");
            assertThat(DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("41");
        });
    }

    @Test
    void shouldDeadLetterTheSourceOfAnOutputRecordThatCannotBeSerialized() {
        ProductionExceptionHandlerResponse response = handler.handleSerializationException(context,
                new ProducerRecord<>("consent.subject-state.v1", "k", "v"),
                new SerializationException("registry refused the schema"), SerializationExceptionOrigin.VALUE);

        assertThat(response).isEqualTo(ProductionExceptionHandlerResponse.CONTINUE);
        assertThat(sent).hasSize(1);
    }

    @Test
    void shouldFailOnOtherErrorsSoTheTaskRetriesFromItsLastCommit() {
        ProductionExceptionHandlerResponse response = handler.handle(context,
                new ProducerRecord<>("consent.audit.v1", new byte[0], new byte[0]), new TimeoutException("slow"));

        assertThat(response).isEqualTo(ProductionExceptionHandlerResponse.FAIL);
        assertThat(sent).isEmpty();
    }
}
