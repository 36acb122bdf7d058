package dev.consentrelay.topology;

import dev.consentrelay.domain.Vendor;

/** Told when a vendor appears or changes, so that its command topic exists before the first command. */
@FunctionalInterface
public interface VendorTopicListener {

    /** Does nothing (topology tests, clusters where topics are managed elsewhere). */
    VendorTopicListener NONE = vendor -> {
    };

    void vendorSeen(Vendor vendor);
}
