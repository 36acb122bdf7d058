package dev.consentrelay.connector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.PropagationCommand;

import static org.assertj.core.api.Assertions.assertThat;

/** Batched webhook delivery against a real HTTP server: one signed POST per batch, a result per command. */
class BatchingWebhookAdapterTest {

    private static final String SECRET = "batch-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookTransport http = new WebhookTransport();
    private HttpServer server;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final List<byte[]> raw = new CopyOnWriteArrayList<>();
    /** How the fake vendor answers a batch: status and body from the commands it received. */
    private volatile Function<JsonNode, Map.Entry<Integer, String>> vendor;
    private BatchingWebhookAdapter adapter;

    @BeforeEach
    void startVendor() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/bulk", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            raw.add(body);
            JsonNode json = JSON.readTree(body);
            bodies.add(json);
            signatures.add(exchange.getRequestHeaders().getFirst("X-Consent-Signature"));
            Map.Entry<Integer, String> answer = vendor.apply(json);
            byte[] out = answer.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.getKey(), out.length == 0 ? -1 : out.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (adapter != null) {
            adapter.close();
        }
        server.stop(0);
        http.close();
    }

    private BatchingWebhookAdapter adapter(int batchSize, TokenBucket requests) {
        WebhookAdapter webhook = new WebhookAdapter(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/bulk"), SECRET, Duration.ofSeconds(5), Clock.systemUTC(), http);
        adapter = new BatchingWebhookAdapter(webhook, batchSize, Duration.ofMillis(200), requests, "bulk");
        return adapter;
    }

    /** The status the fake vendor answers for a command id; APPLIED when not named, no result for "SILENT". */
    private static final Map<String, String> ANSWERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static PropagationCommand command(String answer) {
        PropagationCommand command = TestCommands.suppress("bulk", "subject-" + UUID.randomUUID());
        ANSWERS.put(command.getCommandId().toString(), answer);
        return command;
    }

    /** Answers every command of a batch with the status the test chose for it. */
    private static Map.Entry<Integer, String> bySubject(JsonNode batch) {
        StringBuilder results = new StringBuilder("{\"results\":[");
        int i = 0;
        for (JsonNode command : batch.path("commands")) {
            String answer = ANSWERS.getOrDefault(command.path("commandId").asText(), "APPLIED");
            String status = "SILENT".equals(answer) ? null : answer;
            if (status != null) {
                results.append(i++ == 0 ? "" : ",").append("{\"commandId\":\"")
                        .append(command.path("commandId").asText()).append("\",\"status\":\"").append(status)
                        .append("\",\"detail\":\"vendor says ").append(status).append("\"}");
            }
        }
        return Map.entry(200, results.append("]}").toString());
    }

    @Test
    void oneSignedPostCarriesTheBatchAndEachCommandGetsItsOwnResult() throws Exception {
        vendor = BatchingWebhookAdapterTest::bySubject;
        AtomicInteger waits = new AtomicInteger();
        BatchingWebhookAdapter batching = adapter(5, oneRequest(waits));
        List<PropagationCommand> commands = List.of(command("APPLIED"), command("NOT_FOUND"), command("REJECTED"),
                command("RETRY"), command("SILENT"));

        List<DeliveryResult> results = deliverConcurrently(batching, commands);

        assertThat(bodies).as("five lanes waiting together: one request").hasSize(1);
        assertThat(bodies.get(0).path("commands")).hasSize(5);
        String timestamp = signatures.get(0).substring(2, signatures.get(0).indexOf(','));
        assertThat(signatures.get(0)).isEqualTo(WebhookAdapter.signature(SECRET, Long.parseLong(timestamp),
                raw.get(0)));
        assertThat(waits.get()).as("the rate limit counts requests: one token, no wait").isZero();
        assertThat(results).extracting(DeliveryResult::status).containsExactly(DeliveryResult.Status.APPLIED,
                DeliveryResult.Status.NOT_FOUND, DeliveryResult.Status.REJECTED, DeliveryResult.Status.RETRY,
                DeliveryResult.Status.RETRY);
        assertThat(results.get(1).detail()).contains("NOT_FOUND");
        assertThat(results.get(4).detail()).contains("no result for the command");
    }

    @Test
    void aBatchNeverHoldsMoreThanItsSize() throws Exception {
        vendor = BatchingWebhookAdapterTest::bySubject;
        BatchingWebhookAdapter batching = adapter(2, TokenBucket.unlimited());
        List<PropagationCommand> commands = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            commands.add(command("APPLIED"));
        }

        List<DeliveryResult> results = deliverConcurrently(batching, commands);

        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(DeliveryResult.Status.APPLIED));
        assertThat(bodies).allSatisfy(body -> assertThat(body.path("commands").size()).isBetween(1, 2));
        assertThat(bodies.stream().mapToInt(b -> b.path("commands").size()).sum()).isEqualTo(5);
    }

    @Test
    void anAnswerThatIsNotA2xxAppliesToEveryCommandAndA404NeverReadsAsNotFound() throws Exception {
        BatchingWebhookAdapter batching = adapter(3, TokenBucket.unlimited());
        List<PropagationCommand> commands = List.of(TestCommands.suppress("bulk", "a"),
                TestCommands.suppress("bulk", "b"));

        vendor = batch -> Map.entry(503, "");
        assertThat(deliverConcurrently(batching, commands)).extracting(DeliveryResult::status)
                .containsOnly(DeliveryResult.Status.RETRY);

        vendor = batch -> Map.entry(404, "");
        assertThat(deliverConcurrently(batching, commands)).extracting(DeliveryResult::status)
                .containsOnly(DeliveryResult.Status.REJECTED);

        vendor = batch -> Map.entry(400, "{\"error\":\"bad batch\"}");
        assertThat(deliverConcurrently(batching, commands)).extracting(DeliveryResult::status)
                .containsOnly(DeliveryResult.Status.REJECTED);
    }

    @Test
    void theIdempotencyKeyIsTheSameForTheSameCommands() {
        vendor = BatchingWebhookAdapterTest::bySubject;
        BatchingWebhookAdapter batching = adapter(3, TokenBucket.unlimited());
        List<PropagationCommand> commands = List.of(command("APPLIED"), command("APPLIED"));

        Map<UUID, DeliveryResult> first = batching.send(commands);
        Map<UUID, DeliveryResult> again = batching.send(commands);

        assertThat(first).isEqualTo(again).hasSize(2);
        assertThat(bodies.get(0)).isEqualTo(bodies.get(1));
    }

    /** Delivers each command from its own lane, all at once, and returns the results in the commands' order. */
    private static List<DeliveryResult> deliverConcurrently(BatchingWebhookAdapter batching,
            List<PropagationCommand> commands) throws Exception {
        ExecutorService lanes = Executors.newFixedThreadPool(commands.size());
        try {
            List<Future<DeliveryResult>> futures = new ArrayList<>();
            for (PropagationCommand command : commands) {
                futures.add(lanes.submit(() -> batching.deliver(command)));
            }
            List<DeliveryResult> results = new ArrayList<>();
            for (Future<DeliveryResult> future : futures) {
                results.add(future.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            lanes.shutdownNow();
        }
    }

    /** One request a second, with the clock standing still: every token beyond the first makes the caller wait. */
    private static TokenBucket oneRequest(AtomicInteger waits) {
        return new TokenBucket(1, 1, () -> 0L, nanos -> waits.incrementAndGet());
    }
}
