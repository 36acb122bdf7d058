package dev.consentrelay.connector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.consentrelay.schema.PropagationCommand;

/**
 * Delivers a command as an HTTP POST of its JSON rendering ({@link CommandRendering#json}) with an
 * {@code Idempotency-Key} (the commandId, the same on every redelivery) and a signed timestamp:
 * {@code X-Consent-Signature: t=<epoch seconds>,sha256=<hex>}, the HMAC-SHA256 of {@code <t>.<exact body>} under the
 * vendor's secret, so a vendor can check both who sent it and that it is fresh (reject a {@code t} more than
 * {@link #REPLAY_WINDOW} from its clock: a captured request cannot be replayed later). A vendor's answer is read up to
 * {@link #MAX_RESPONSE_BYTES}; the rest is discarded. Answers: 2xx applied (or not found when the body says {@code
 * {"status":"NOT_FOUND"}}), 404 not
 * found, 408/429/5xx and connection errors or timeouts retry ({@code Retry-After} in seconds or as an HTTP date is
 * passed on), any other 4xx rejected.
 */
public final class WebhookAdapter implements VendorAdapter {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The replay window a vendor should allow between the signed timestamp and its clock. */
    public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);
    /** The most of a vendor's answer that is read. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI url;
    private final String secret;
    private final Duration timeout;
    private final HttpClient http;
    private final Clock clock;

    public WebhookAdapter(URI url, String secret, Duration timeout, Clock clock) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook vendor needs a secret to sign its requests");
        }
        this.url = url;
        this.secret = secret;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public DeliveryResult deliver(PropagationCommand command) {
        byte[] body = CommandRendering.json(command).getBytes(StandardCharsets.UTF_8);
        Answer response;
        try {
            response = post(body, command.getCommandId().toString());
        } catch (IOException e) {
            return DeliveryResult.retry(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryResult.retry("interrupted");
        }
        return interpret(response.status(), response.body(), response.retryAfter());
    }

    /** One signed POST of {@code body}; the caller maps the answer. */
    Answer post(byte[] body, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .header("X-Consent-Signature", signature(secret, clock.instant().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        // Read here, on the delivering thread, never on the HTTP client's: a slow vendor cannot starve the client.
        return new Answer(response.statusCode(), readBounded(response.body()),
                response.headers().firstValue("Retry-After"));
    }

    /** A vendor's answer: its status, at most {@link #MAX_RESPONSE_BYTES} of its body, and its Retry-After. */
    record Answer(int status, String body, Optional<String> retryAfter) {
    }

    /** The signature header's value: {@code t=<epoch seconds>,sha256=<hex HMAC of "t.body">}. */
    public static String signature(String secret, long epochSeconds, byte[] body) {
        byte[] prefix = (epochSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "t=" + epochSeconds + ",sha256=" + CommandRendering.hmacSha256Hex(secret, signed);
    }

    /** At most {@link #MAX_RESPONSE_BYTES} of the answer, as text; a vendor cannot make the connector hold more. */
    private static String readBounded(java.io.InputStream in) {
        try (in) {
            return new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Maps a vendor's answer to a delivery result. */
    DeliveryResult interpret(int status, String body, Optional<String> retryAfter) {
        String detail = "HTTP " + status;
        if (status >= 200 && status < 300) {
            return saysNotFound(body) ? DeliveryResult.notFound(detail) : DeliveryResult.applied(detail);
        }
        if (status == 404) {
            return DeliveryResult.notFound(detail);
        }
        if (status == 429 || status == 408 || status >= 500) {
            return DeliveryResult.retryAfter(detail, retryAfter.flatMap(this::parseRetryAfter).orElse(null));
        }
        return DeliveryResult.rejected(detail);
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; empty when unreadable. */
    Optional<Duration> parseRetryAfter(String value) {
        String trimmed = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static boolean saysNotFound(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() && "NOT_FOUND".equalsIgnoreCase(node.path("status").asText());
        } catch (IOException notJson) {
            return false;
        }
    }

    @Override
    public String toString() {
        // Never the secret, nor credentials in the URL.
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }
}
