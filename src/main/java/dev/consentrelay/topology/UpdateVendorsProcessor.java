package dev.consentrelay.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.VendorRecord;

/**
 * Maintains the global vendors table from the compacted vendors topic and keeps the {@link VendorDirectory} the
 * fan-out reads in step with it. A tombstone removes a vendor. On start the directory is loaded from the restored
 * store, so a restart sees every vendor before the first signal.
 */
public final class UpdateVendorsProcessor implements Processor<String, VendorRecord, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateVendorsProcessor.class);

    private final VendorDirectory directory;
    private final VendorTopicListener listener;
    private KeyValueStore<String, VendorRecord> store;

    public UpdateVendorsProcessor(VendorDirectory directory, VendorTopicListener listener) {
        this.directory = directory;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.VENDORS);
        List<Vendor> vendors = new ArrayList<>();
        try (KeyValueIterator<String, VendorRecord> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, VendorRecord> entry = it.next();
                toDomain(entry.value).ifPresent(vendors::add);
            }
        }
        directory.replaceAll(vendors);
        vendors.forEach(listener::vendorSeen);
        LOG.info("Vendor directory loaded with {} vendor(s)", vendors.size());
    }

    @Override
    public void process(Record<String, VendorRecord> record) {
        if (record.key() == null) {
            LOG.warn("Ignoring a vendor record without a key: vendor records are keyed by vendorId");
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            directory.put(record.key(), null);
            LOG.info("Vendor {} removed", record.key());
            return;
        }
        if (!record.key().equals(record.value().getVendorId())) {
            LOG.warn("Ignoring vendor record keyed {} for vendorId {}: key and id must match", record.key(),
                    record.value().getVendorId());
            return;
        }
        Optional<Vendor> parsed = toDomain(record.value());
        if (parsed.isEmpty()) {
            return;
        }
        Vendor vendor = parsed.get();
        store.put(record.key(), record.value());
        listener.vendorSeen(vendor);
        directory.put(record.key(), vendor);
        LOG.info("Vendor {} updated (enabled={}, purposes={}, regions={})", vendor.vendorId(), vendor.enabled(),
                vendor.purposes(), vendor.regions().isEmpty() ? "all" : vendor.regions());
    }

    /** The vendor of a record, or empty (logged) when the record is not a vendor this service can serve. */
    private static Optional<Vendor> toDomain(VendorRecord record) {
        try {
            return Optional.of(AvroMapper.toDomain(record));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring vendor record {}: {}; the vendor keeps its previous definition, if any",
                    record.getVendorId(), e.getMessage());
            return Optional.empty();
        }
    }
}
