package dev.consentrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The vendors' side of the webhook connectors: a local HTTP endpoint per vendor ({@code /hooks/<vendorId>}) that
 * answers 200 at once, so propagation latency measures the service and its connectors, not a vendor.
 */
final class WebhookSink implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final LongAdder deliveries = new LongAdder();

    private WebhookSink(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static WebhookSink start(int threads) throws IOException {
        // The JDK's server leaves Nagle's algorithm on unless told otherwise: an answer written as headers, then body,
        // then waits for the client's delayed ACK (40 ms on Linux), which would make every vendor look 40 ms away.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "bench-webhook");
            thread.setDaemon(true);
            return thread;
        });
        WebhookSink sink = new WebhookSink(server, executor);
        server.createContext("/hooks/", sink::answer);
        server.setExecutor(executor);
        server.start();
        return sink;
    }

    /** The URL the connector of {@code vendorId} delivers to. */
    String url(String vendorId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + vendorId;
    }

    /** Webhook calls answered so far. */
    long deliveries() {
        return deliveries.sum();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] request = body.readAllBytes();
            deliveries.increment();
            byte[] ok = answerTo(request).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
        }
    }

    /** APPLIED for a single command; for a batch ({@code {"commands": [...]}}), APPLIED for each of its commands. */
    private static String answerTo(byte[] request) throws IOException {
        if (request.length < 12 || !new String(request, 0, 12, java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("{\"commands\"")) {
            return "{\"status\":\"APPLIED\"}";
        }
        StringBuilder results = new StringBuilder("{\"results\":[");
        int i = 0;
        for (com.fasterxml.jackson.databind.JsonNode command : JSON.readTree(request).path("commands")) {
            results.append(i++ == 0 ? "" : ",").append("{\"commandId\":\"").append(command.path("commandId").asText())
                    .append("\",\"status\":\"APPLIED\"}");
        }
        return results.append("]}").toString();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
