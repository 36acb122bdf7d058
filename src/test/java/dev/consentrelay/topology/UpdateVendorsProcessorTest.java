package dev.consentrelay.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.AvroSerde;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;

import static dev.consentrelay.topology.TestSignals.vendor;
import static org.assertj.core.api.Assertions.assertThat;

/** The global vendors processor alone: the store, the directory the fan-out reads and the topic listener. */
class UpdateVendorsProcessorTest {

    private static final Vendor MAILER = vendor("mailer", "email_marketing");
    private static final Vendor ADNET = vendor("adnet", "advertising", "sale_sharing");

    private MockProcessorContext<Void, Void> context;
    private KeyValueStore<String, VendorRecord> store;
    private VendorDirectory directory;
    private List<Vendor> seen;
    private UpdateVendorsProcessor processor;

    @BeforeEach
    void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("vendors-test-" + UUID.randomUUID());
        context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.VENDORS), Serdes.String(),
                AvroSerde.forClass(VendorRecord.class, registry, false)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        directory = new VendorDirectory();
        seen = new ArrayList<>();
        processor = new UpdateVendorsProcessor(directory, seen::add);
    }

    @Test
    void shouldAddVendorToDirectoryAndStore() {
        processor.init(context);

        send("mailer", AvroMapper.toAvro(MAILER));

        assertThat(directory.all()).containsExactly(MAILER);
        assertThat(store.get("mailer")).isEqualTo(AvroMapper.toAvro(MAILER));
    }

    @Test
    void shouldTellTheListenerAboutANewVendor() {
        processor.init(context);

        send("mailer", AvroMapper.toAvro(MAILER));

        assertThat(seen).containsExactly(MAILER);
    }

    @Test
    void shouldReplaceAChangedVendor() {
        processor.init(context);
        send("mailer", AvroMapper.toAvro(MAILER));
        Vendor disabled = new Vendor("mailer", MAILER.name(), MAILER.kind(), null, MAILER.purposes(),
                MAILER.regions(), MAILER.actions(), MAILER.identifierTypes(), MAILER.sla(), false);

        send("mailer", AvroMapper.toAvro(disabled));

        assertThat(directory.all()).containsExactly(disabled);
    }

    @Test
    void shouldIgnoreARecordWhoseSlaNoDeadlineCouldHoldAndKeepThePreviousDefinition() {
        processor.init(context);
        send("mailer", AvroMapper.toAvro(MAILER));
        VendorRecord overflowing = AvroMapper.toAvro(MAILER);
        overflowing.setSlaMillis(Long.MAX_VALUE);
        overflowing.setEnabled(false);

        send("mailer", overflowing);

        assertThat(directory.all()).containsExactly(MAILER);
        assertThat(store.get("mailer").getSlaMillis()).isEqualTo(MAILER.sla().toMillis());
    }

    @Test
    void shouldRemoveVendorOnTombstone() {
        processor.init(context);
        send("mailer", AvroMapper.toAvro(MAILER));
        send("adnet", AvroMapper.toAvro(ADNET));

        send("mailer", null);

        assertThat(directory.all()).containsExactly(ADNET);
        assertThat(store.get("mailer")).isNull();
    }

    @Test
    void shouldIgnoreRecordWhoseKeyDoesNotMatchTheVendorId() {
        processor.init(context);

        send("adnet", AvroMapper.toAvro(MAILER));

        assertThat(directory.all()).isEmpty();
        assertThat(store.get("adnet")).isNull();
        assertThat(seen).isEmpty();
    }

    @Test
    void shouldIgnoreRecordWithoutKey() {
        processor.init(context);

        send(null, AvroMapper.toAvro(MAILER));

        assertThat(directory.all()).isEmpty();
        assertThat(seen).isEmpty();
    }

    @Test
    void shouldLoadDirectoryFromRestoredStoreOnInit() {
        store.put("mailer", AvroMapper.toAvro(MAILER));
        store.put("adnet", AvroMapper.toAvro(ADNET));

        processor.init(context);

        assertThat(directory.all()).containsExactlyInAnyOrder(MAILER, ADNET);
        assertThat(seen).containsExactlyInAnyOrder(MAILER, ADNET);
    }

    @Test
    void shouldDropVendorsNoLongerInTheStoreOnInit() {
        directory.put("gone", vendor("gone", "analytics"));
        store.put("mailer", AvroMapper.toAvro(MAILER));

        processor.init(context);

        assertThat(directory.all()).containsExactly(MAILER);
    }

    private void send(String key, VendorRecord value) {
        processor.process(new Record<>(key, value, 0L));
    }
}
