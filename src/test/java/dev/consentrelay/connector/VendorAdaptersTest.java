package dev.consentrelay.connector;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.config.ConnectorsConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A vendor's configuration picks its adapter; a batch size that cannot work stops the start, naming the property. */
class VendorAdaptersTest {

    private final WebhookTransport http = new WebhookTransport();

    @AfterEach
    void closeTransport() {
        http.close();
    }

    @Test
    void aWebhookWithABatchSizeAboveOneSendsBatches() {
        VendorAdapter single = VendorAdapters.create("mailer", vendor(ConnectorsConfig.Adapter.WEBHOOK, 1),
                Clock.systemUTC(), TokenBucket.unlimited(), http);
        VendorAdapter batching = VendorAdapters.create("mailer", vendor(ConnectorsConfig.Adapter.WEBHOOK, 50),
                Clock.systemUTC(), TokenBucket.unlimited(), http);
        try {
            assertThat(single).isInstanceOf(WebhookAdapter.class);
            assertThat(batching).isInstanceOf(BatchingWebhookAdapter.class);
            assertThat(batching.kind()).contains("50");
        } finally {
            batching.close();
        }
    }

    @Test
    void aBatchSizeOutOfRangeOrOnAFileVendorIsRefused() {
        assertThatThrownBy(() -> VendorAdapters.create("mailer", vendor(ConnectorsConfig.Adapter.WEBHOOK, 0),
                Clock.systemUTC(), TokenBucket.unlimited(), http)).hasMessageContaining(
                        "consent-relay.connectors.vendors.mailer.batch-size must be between 1 and 1000, got 0");
        assertThatThrownBy(() -> VendorAdapters.create("mailer", vendor(ConnectorsConfig.Adapter.WEBHOOK, 1001),
                Clock.systemUTC(), TokenBucket.unlimited(), http)).hasMessageContaining("got 1001");
        assertThatThrownBy(() -> VendorAdapters.create("archive", vendor(ConnectorsConfig.Adapter.FILE, 10),
                Clock.systemUTC(), TokenBucket.unlimited(), http)).hasMessageContaining("webhook adapter only");
    }

    @Test
    void aPlainHttpWebhookIsRefusedUnlessTheVendorIsMarkedInsecure() {
        assertThatThrownBy(() -> VendorAdapters.create("mailer", vendor(ConnectorsConfig.Adapter.WEBHOOK, 1,
                "http://hooks.example.com/consent", false), Clock.systemUTC(), TokenBucket.unlimited(), http))
                .hasMessageContaining("consent-relay.connectors.vendors.mailer.url is http://hooks.example.com")
                .hasMessageContaining("consent-relay.connectors.vendors.mailer.insecure=true");
        assertThat(VendorAdapters.create("mailer", vendor(ConnectorsConfig.Adapter.WEBHOOK, 1,
                "http://127.0.0.1:9/consent", true), Clock.systemUTC(), TokenBucket.unlimited(), http))
                .isInstanceOf(WebhookAdapter.class);
    }

    /** A vendor's configuration with the given adapter and batch size, defaults for the rest. */
    private static ConnectorsConfig.Vendor vendor(ConnectorsConfig.Adapter adapter, int batchSize) {
        return vendor(adapter, batchSize, "https://hooks.example.com/consent", false);
    }

    private static ConnectorsConfig.Vendor vendor(ConnectorsConfig.Adapter adapter, int batchSize, String url,
            boolean insecure) {
        Map<String, Object> values = new HashMap<>();
        values.put("adapter", adapter);
        values.put("url", Optional.of(url));
        values.put("insecure", insecure);
        values.put("secret", Optional.of("s3cret"));
        values.put("timeout", Duration.ofSeconds(1));
        values.put("batchSize", batchSize);
        values.put("batchLinger", Duration.ofMillis(20));
        values.put("fileDir", Optional.of(Path.of("target", "vendor-adapters-test")));
        values.put("fileFormat", ConnectorsConfig.FileFormat.JSONL);
        values.put("fileMaxBytes", 1_000_000L);
        return (ConnectorsConfig.Vendor) Proxy.newProxyInstance(VendorAdaptersTest.class.getClassLoader(),
                new Class<?>[]{ConnectorsConfig.Vendor.class}, (proxy, method, args) -> {
                    if (!values.containsKey(method.getName())) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.get(method.getName());
                });
    }
}
