package dev.consentrelay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A vendor's webhook endpoint: answers 503 while down, and applies each command once by its idempotency key (the
 * {@code Idempotency-Key} header, or the {@code commandId} of the body), answering 200 to a repeat without applying it
 * again, as a well-behaved vendor API does.
 */
final class WebhookVendor implements AutoCloseable {

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final HttpServer server;
    private final AtomicBoolean down = new AtomicBoolean();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();

    WebhookVendor() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            if (down.get()) {
                refused.incrementAndGet();
                status = 503;
            } else {
                String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_HEADER);
                if (key == null) {
                    key = commandIdOf(new String(body, StandardCharsets.UTF_8));
                }
                deliveries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                applied.add(key);
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/commands";
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Commands applied, by idempotency key. */
    Set<String> applied() {
        return applied;
    }

    /** Successful deliveries per key: more than one means a retry after the vendor had applied it. */
    Map<String, AtomicInteger> deliveries() {
        return deliveries;
    }

    int refused() {
        return refused.get();
    }

    private static String commandIdOf(String json) {
        int at = json.indexOf("\"commandId\"");
        if (at < 0) {
            return json;
        }
        int start = json.indexOf('"', json.indexOf(':', at) + 1) + 1;
        return json.substring(start, json.indexOf('"', start));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
