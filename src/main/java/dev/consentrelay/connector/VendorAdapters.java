package dev.consentrelay.connector;

import java.net.URI;
import java.time.Clock;

import dev.consentrelay.config.ConnectorsConfig;

/** Builds the adapter a vendor's configuration names; a new adapter kind is one more case here. */
public final class VendorAdapters {

    private VendorAdapters() {
    }

    public static VendorAdapter create(String vendorId, ConnectorsConfig.Vendor config, Clock clock) {
        return switch (config.adapter()) {
            case WEBHOOK -> new WebhookAdapter(
                    URI.create(config.url().orElseThrow(() -> missing(vendorId, "url"))),
                    config.secret().orElseThrow(() -> missing(vendorId, "secret")), config.timeout(), clock);
            case FILE -> new FileExportAdapter(config.fileDir().orElseThrow(() -> missing(vendorId, "file-dir")),
                    vendorId, config.fileFormat(), config.fileMaxBytes(), clock);
        };
    }

    private static IllegalArgumentException missing(String vendorId, String property) {
        return new IllegalArgumentException(
                "consent-relay.connectors.vendors." + vendorId + "." + property + " is required for its adapter");
    }
}
