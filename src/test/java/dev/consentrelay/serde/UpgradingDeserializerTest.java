package dev.consentrelay.serde;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.RecentSignal;
import dev.consentrelay.schema.SubjectConsentState;

import static org.assertj.core.api.Assertions.assertThat;

/** A consent-table row written by the release that stored the state alone still reads, as a row. */
class UpgradingDeserializerTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://upgrading-test");
    private final UpgradingDeserializer<ConsentRow, SubjectConsentState> rows = new UpgradingDeserializer<>(
            ConsentRow.class, SubjectConsentState.class,
            state -> new ConsentRow(state, new ArrayList<>(), new ArrayList<>()), registry);

    @Test
    void readsTheEarlierTypeUpgraded() {
        SubjectConsentState state = SampleRecords.state();
        byte[] written = AvroSerde.forClass(SubjectConsentState.class, registry, false).serializer()
                .serialize("consent-relay-consent-table-changelog", state);

        ConsentRow row = rows.deserialize("consent-relay-consent-table-changelog", written);

        assertThat(row.getState()).isEqualTo(state);
        assertThat(row.getRecentSignals()).isEmpty();
    }

    @Test
    void readsTheCurrentTypeAsWritten() {
        ConsentRow row = new ConsentRow(SampleRecords.state(),
                List.of(new RecentSignal("3f1c2a4e-8d5b-4c1e-9a7f-2b6d8e0c1a35", SampleRecords.RECEIVED)),
                new ArrayList<>());
        byte[] written = AvroSerde.forClass(ConsentRow.class, registry, false).serializer()
                .serialize("consent-relay-consent-table-changelog", row);

        assertThat(rows.deserialize("consent-relay-consent-table-changelog", written)).isEqualTo(row);
        assertThat(rows.deserialize("consent-relay-consent-table-changelog", null)).isNull();
    }
}
