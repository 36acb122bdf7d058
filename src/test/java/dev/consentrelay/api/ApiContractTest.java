package dev.consentrelay.api;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.consentrelay.ingest.IabSignalJson;
import dev.consentrelay.ingest.SignalJson;

import static org.assertj.core.api.Assertions.assertThat;

/** The request shapes the OpenAPI document publishes name exactly the fields the ingest parsers read. */
class ApiContractTest {

    @Test
    void theDocumentedSignalHasTheFieldsTheParserReads() {
        assertThat(fields(ApiContract.SignalRequest.class)).containsExactlyInAnyOrderElementsOf(SignalJson.FIELDS);
        assertThat(fields(ApiContract.IabSignalRequest.class))
                .containsExactlyInAnyOrderElementsOf(IabSignalJson.FIELDS);
    }

    private static java.util.Set<String> fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toSet());
    }
}
