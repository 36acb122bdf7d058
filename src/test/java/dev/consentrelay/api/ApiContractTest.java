package dev.consentrelay.api;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.ingest.IabSignalJson;
import dev.consentrelay.ingest.SignalJson;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request shapes the OpenAPI document publishes name exactly the fields the ingest parsers read; a shape it
 * shows in place of a domain record names that record's fields.
 */
class ApiContractTest {

    @Test
    void theDocumentedSignalHasTheFieldsTheParserReads() {
        assertThat(fields(ApiContract.SignalRequest.class)).containsExactlyInAnyOrderElementsOf(SignalJson.FIELDS);
        assertThat(fields(ApiContract.IabSignalRequest.class))
                .containsExactlyInAnyOrderElementsOf(IabSignalJson.FIELDS);
    }

    @Test
    void theDocumentedIdentifierOfAConsentViewHasTheFieldsOfTheDomainRecord() {
        assertThat(fields(ConsentView.ListedIdentifier.class)).isEqualTo(fields(SubjectIdentifier.class));
    }

    private static java.util.Set<String> fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toSet());
    }
}
