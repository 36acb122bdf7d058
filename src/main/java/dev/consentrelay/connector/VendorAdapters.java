package dev.consentrelay.connector;

import java.net.URI;
import java.time.Clock;

import dev.consentrelay.config.ConnectorsConfig;

/** Builds the adapter a vendor's configuration names; a new adapter kind is one more case here. */
public final class VendorAdapters {

    /** The largest batch a webhook vendor may be configured with. */
    public static final int MAX_BATCH = 1000;

    private VendorAdapters() {
    }

    /** Whether the vendor's adapter takes the rate limit per request itself (batched delivery). */
    public static boolean limitsRequests(ConnectorsConfig.Vendor config) {
        return config.batchSize() > 1;
    }

    /**
     * @param requests the vendor's rate limit, when the adapter takes it per request (a batch) rather than leaving it
     *            to the delivery of each command
     * @param http the webhook vendors' shared HTTP transport (unused by other adapters)
     */
    public static VendorAdapter create(String vendorId, ConnectorsConfig.Vendor config, Clock clock,
            TokenBucket requests, WebhookTransport http) {
        if (config.batchSize() < 1 || config.batchSize() > MAX_BATCH) {
            throw new IllegalArgumentException("consent-relay.connectors.vendors." + vendorId + ".batch-size must be"
                    + " between 1 and " + MAX_BATCH + ", got " + config.batchSize());
        }
        if (config.batchSize() > 1 && config.adapter() != ConnectorsConfig.Adapter.WEBHOOK) {
            throw new IllegalArgumentException("consent-relay.connectors.vendors." + vendorId + ".batch-size applies"
                    + " to the webhook adapter only; the " + config.adapter() + " adapter delivers one at a time");
        }
        return switch (config.adapter()) {
            case WEBHOOK -> {
                URI url = URI.create(config.url().orElseThrow(() -> missing(vendorId, "url")));
                if (!"https".equalsIgnoreCase(url.getScheme()) && !config.insecure()) {
                    throw new IllegalArgumentException("consent-relay.connectors.vendors." + vendorId + ".url is "
                            + url.getScheme() + "://" + url.getHost() + ": commands carry identifiers, so webhooks"
                            + " are https; set consent-relay.connectors.vendors." + vendorId + ".insecure=true to"
                            + " allow plain http to this vendor");
                }
                WebhookAdapter webhook = new WebhookAdapter(url,
                        config.secret().orElseThrow(() -> missing(vendorId, "secret")), config.timeout(), clock, http);
                yield config.batchSize() == 1
                        ? webhook
                        : new BatchingWebhookAdapter(webhook, config.batchSize(), config.batchLinger(), requests,
                                vendorId);
            }
            case FILE -> new FileExportAdapter(config.fileDir().orElseThrow(() -> missing(vendorId, "file-dir")),
                    vendorId, config.fileFormat(), config.fileMaxBytes(), clock);
        };
    }

    private static IllegalArgumentException missing(String vendorId, String property) {
        return new IllegalArgumentException(
                "consent-relay.connectors.vendors." + vendorId + "." + property + " is required for its adapter");
    }
}
