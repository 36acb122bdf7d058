package dev.consentrelay.api;

import java.util.List;

import dev.consentrelay.domain.Vendor;

/** Writes vendor records to the vendors topic, waiting until Kafka has them. */
public interface VendorPublisher {

    /**
     * @param origin what the records came from, for logs and errors
     * @throws IllegalStateException when Kafka does not take them
     */
    void publish(List<Vendor> vendors, String origin);
}
