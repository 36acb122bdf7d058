package dev.consentrelay.connector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.schema.AckStatus;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.testing.Keytool;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookAdapterTest {

    private static final String SECRET = "s3cret-key";
    private static final Instant NOW = Instant.parse("2026-11-02T10:16:00Z");

    /** One scripted answer of the fake vendor. */
    record Answer(int status, String body, Map<String, String> headers) {
        static Answer of(int status) {
            return new Answer(status, "", Map.of());
        }
    }

    /** One request the fake vendor received. */
    record Received(String body, String idempotencyKey, String signature, String contentType) {
    }

    private final WebhookTransport http = new WebhookTransport();
    private HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final CountDownLatch vendorHangs = new CountDownLatch(1);
    private volatile boolean hang;
    private volatile int answerPadding;

    @BeforeEach
    void startVendor() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/consent", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (hang) {
                try {
                    vendorHangs.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add(new Received(new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("X-Consent-Signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type")));
            Answer answer = script.isEmpty() ? Answer.of(200) : script.poll();
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] out = (answer.body() + " ".repeat(answerPadding)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stopVendor() {
        vendorHangs.countDown();
        server.stop(0);
        http.close();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/consent");
    }

    /** Delivers a command to completion and waits for its outcome. */
    private interface Delivery {
        RetryingDelivery.Outcome deliver(PropagationCommand command) throws Exception;
    }

    private Delivery delivery(URI url, int maxAttempts) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        WebhookAdapter adapter = new WebhookAdapter(url, SECRET, Duration.ofSeconds(2), clock, http);
        RetryingDelivery delivery = new RetryingDelivery("mailer", adapter,
                new RetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(5)),
                TokenBucket.perSecond(1000), (wait, then) -> {
                    waits.add(wait);
                    then.run();
                }, clock, (command, attempt, result) -> {
                }).withJitter(() -> 1.0);
        return command -> delivery.deliver(command).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswerOnTheTransportsOwnNamedThread() throws Exception {
        RetryingDelivery.Outcome outcome = delivery(url(), 1).deliver(TestCommands.suppress("mailer", "subject-t"));

        assertThat(outcome.status()).isEqualTo(AckStatus.APPLIED);
        assertThat(Thread.getAllStackTraces().keySet()).as("apart from the HTTP API's event loops")
                .extracting(Thread::getName).contains(WebhookTransport.THREAD_NAME);
    }

    @Test
    void shouldSignTheExactBodyAndSendTheCommandIdAsIdempotencyKey() throws Exception {
        PropagationCommand command = TestCommands.suppress("mailer", "subject-1");

        RetryingDelivery.Outcome outcome = delivery(url(), 3).deliver(command);

        assertThat(outcome.status()).isEqualTo(AckStatus.APPLIED);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.idempotencyKey()).isEqualTo(command.getCommandId().toString());
        assertThat(request.contentType()).isEqualTo("application/json");
        byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
        String signedNow = (NOW.getEpochSecond() + ".") + request.body();
        assertThat(request.signature()).as("the timestamp and the exact body, signed together").isEqualTo("t="
                + NOW.getEpochSecond() + ",sha256="
                + CommandRendering.hmacSha256Hex(SECRET, signedNow.getBytes(StandardCharsets.UTF_8)));
        assertThat(request.signature()).isEqualTo(WebhookAdapter.signature(SECRET, NOW.getEpochSecond(), body))
                .isNotEqualTo(WebhookAdapter.signature("other", NOW.getEpochSecond(), body))
                .as("a replay at another time carries another signature")
                .isNotEqualTo(WebhookAdapter.signature(SECRET, NOW.getEpochSecond() + 600, body));
        JsonNode json = new ObjectMapper().readTree(request.body());
        assertThat(json.get("commandId").asText()).isEqualTo(command.getCommandId().toString());
        assertThat(json.get("action").asText()).isEqualTo("SUPPRESS");
        assertThat(json.get("purposes").toString()).isEqualTo("[\"email_marketing\",\"advertising\"]");
        assertThat(json.get("identifiers").get(0).get("type").asText()).isEqualTo("email_sha256");
        assertThat(json.get("deadline").asText()).isEqualTo("2026-11-02T11:15:30Z");
        assertThat(json.has("subjectId")).as("the internal subject id stays inside").isFalse();
    }

    @Test
    void shouldApplyAfterTwoServiceUnavailableAnswers() throws Exception {
        script.add(Answer.of(503));
        script.add(Answer.of(503));
        script.add(Answer.of(200));

        RetryingDelivery.Outcome outcome = delivery(url(), 6).deliver(TestCommands.suppress("mailer", "s"));

        assertThat(outcome.status()).isEqualTo(AckStatus.APPLIED);
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(received).extracting(Received::idempotencyKey).containsOnly(received.get(0).idempotencyKey());
        assertThat(waits).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void shouldWaitAsLongAsRetryAfterSaysOnTooManyRequests() throws Exception {
        script.add(new Answer(429, "", Map.of("Retry-After", "2")));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(7).atZone(ZoneOffset.UTC));
        script.add(new Answer(429, "", Map.of("Retry-After", date)));
        script.add(Answer.of(204));

        RetryingDelivery.Outcome outcome = delivery(url(), 6).deliver(TestCommands.suppress("mailer", "s"));

        assertThat(outcome.status()).isEqualTo(AckStatus.APPLIED);
        assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(7));
    }

    @Test
    void shouldAnswerNotFoundOn404() throws Exception {
        script.add(Answer.of(404));

        RetryingDelivery.Outcome outcome = delivery(url(), 6).deliver(TestCommands.suppress("mailer", "s"));

        assertThat(outcome.status()).isEqualTo(AckStatus.NOT_FOUND);
        assertThat(outcome.attempts()).isEqualTo(1);
    }

    @Test
    void shouldAnswerNotFoundWhenASuccessBodySaysSo() throws Exception {
        script.add(new Answer(200, "{\"status\":\"NOT_FOUND\"}", Map.of("Content-Type", "application/json")));

        assertThat(delivery(url(), 6).deliver(TestCommands.suppress("mailer", "s")).status())
                .isEqualTo(AckStatus.NOT_FOUND);
    }

    @Test
    void shouldRejectWithoutRetryingOnBadRequest() throws Exception {
        script.add(Answer.of(400));

        RetryingDelivery.Outcome outcome = delivery(url(), 6).deliver(TestCommands.suppress("mailer", "s"));

        assertThat(outcome.status()).isEqualTo(AckStatus.REJECTED);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.detail()).isEqualTo("HTTP 400");
        assertThat(received).hasSize(1);
    }

    @Test
    void shouldFailAfterMaxAttemptsWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        RetryingDelivery.Outcome outcome = delivery(URI.create("http://127.0.0.1:" + port + "/consent"), 4)
                .deliver(TestCommands.suppress("mailer", "s"));

        assertThat(outcome.status()).isEqualTo(AckStatus.FAILED);
        assertThat(outcome.attempts()).isEqualTo(4);
        assertThat(outcome.detail()).contains("ConnectException");
        assertThat(waits).hasSize(3);
    }

    @Test
    void shouldRetryAVendorThatDoesNotAnswerWithinTheTimeout() throws Exception {
        hang = true;
        WebhookAdapter adapter = new WebhookAdapter(url(), SECRET, Duration.ofMillis(300),
                Clock.fixed(NOW, ZoneOffset.UTC), http);

        DeliveryResult result = adapter.deliver(TestCommands.suppress("mailer", "slow"));

        assertThat(result.status().terminal()).as("no answer is not an answer: tried again").isFalse();
        assertThat(result.detail()).contains("Timeout");
    }

    @Test
    void shouldRefuseAnHttpsVendorWhoseCertificateIsNotTrusted(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("vendor.p12");
        Keytool.selfSigned(keyStore, "vendor", "changeit");
        Vertx vertx = Vertx.vertx();
        try {
            var vendor = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                    .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword("changeit")))
                    .requestHandler(request -> request.response().end("{}"))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            WebhookAdapter adapter = new WebhookAdapter(URI.create("https://localhost:" + vendor.actualPort()
                    + "/consent"), SECRET, Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC), http);

            DeliveryResult result = adapter.deliver(TestCommands.suppress("mailer", "tls"));

            assertThat(result.status().terminal()).as("not applied: the vendor was never reached").isFalse();
            assertThat(result.detail()).containsIgnoringCase("SSL");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldReadAnAnswerLargerThanItKeeps() throws Exception {
        script.add(Answer.of(404));
        answerPadding = 3 * WebhookAdapter.MAX_RESPONSE_BYTES;

        RetryingDelivery.Outcome notFound = delivery(url(), 1).deliver(TestCommands.suppress("mailer", "big-1"));
        RetryingDelivery.Outcome applied = delivery(url(), 1).deliver(TestCommands.suppress("mailer", "big-2"));

        assertThat(notFound.status()).isEqualTo(AckStatus.NOT_FOUND);
        assertThat(applied.status()).as("the connection is usable after a long answer").isEqualTo(AckStatus.APPLIED);
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrHttpDate() {
        WebhookAdapter adapter = new WebhookAdapter(url(), SECRET, Duration.ofSeconds(1),
                Clock.fixed(NOW, ZoneOffset.UTC), http);

        assertThat(adapter.parseRetryAfter("30")).contains(Duration.ofSeconds(30));
        assertThat(adapter.parseRetryAfter("Mon, 02 Nov 2026 10:16:10 GMT")).contains(Duration.ofSeconds(10));
        assertThat(adapter.parseRetryAfter("Mon, 02 Nov 2026 10:00:00 GMT")).contains(Duration.ZERO);
        assertThat(adapter.parseRetryAfter("soon")).isEqualTo(Optional.empty());
    }
}
