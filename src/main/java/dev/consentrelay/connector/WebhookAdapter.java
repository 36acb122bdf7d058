package dev.consentrelay.connector;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import javax.crypto.Mac;

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
    private final Duration timeout;
    private final WebhookTransport http;
    private final Clock clock;
    private final ThreadLocal<Mac> signer;

    public WebhookAdapter(URI url, String secret, Duration timeout, Clock clock, WebhookTransport http) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook vendor needs a secret to sign its requests");
        }
        this.url = url;
        this.timeout = timeout;
        this.clock = clock;
        this.signer = ThreadLocal.withInitial(() -> CommandRendering.hmacSha256(secret));
        this.http = http;
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public DeliveryResult deliver(PropagationCommand command) {
        return deliverAsync(command).toCompletableFuture().join();
    }

    /** Renders and signs the command on the caller's thread; the answer is read on the transport's event loop. */
    @Override
    public CompletionStage<DeliveryResult> deliverAsync(PropagationCommand command) {
        byte[] body = CommandRendering.jsonBytes(command);
        return http.postAsync(url, headers(body, command.getCommandId().toString()), body, timeout, MAX_RESPONSE_BYTES)
                .handle((response, failure) -> failure == null
                        ? interpret(response.status(), response.body(), response.retryAfter())
                        // Refused, reset, timed out, a TLS failure: nothing says the vendor applied it, so it is
                        // tried again.
                        : DeliveryResult.retry(Failures.cause(failure).getClass().getSimpleName()));
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    /**
     * One signed POST of {@code body}; the caller maps the answer. Redirects are not followed.
     *
     * @throws Exception the request failed or timed out
     */
    WebhookTransport.Answer post(byte[] body, String idempotencyKey) throws Exception {
        return http.post(url, headers(body, idempotencyKey), body, timeout, MAX_RESPONSE_BYTES);
    }

    private Map<String, String> headers(byte[] body, String idempotencyKey) {
        return Map.of("Content-Type", "application/json", "Idempotency-Key", idempotencyKey, "X-Consent-Signature",
                signature(signer.get(), clock.instant().getEpochSecond(), body));
    }

    /** The signature header's value: {@code t=<epoch seconds>,sha256=<hex HMAC of "t.body">}. */
    public static String signature(String secret, long epochSeconds, byte[] body) {
        return signature(CommandRendering.hmacSha256(secret), epochSeconds, body);
    }

    /**
     * {@link #signature(String, long, byte[])} with an HMAC already keyed: the adapter keeps one per thread that
     * sends, as building one per request cost more than the hash.
     */
    private static String signature(Mac mac, long epochSeconds, byte[] body) {
        mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
        return "t=" + epochSeconds + ",sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
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
        // Most answers say nothing of the kind: they are not parsed.
        if (body == null || !containsIgnoringCase(body, "not_found")) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() && "NOT_FOUND".equalsIgnoreCase(node.path("status").asText());
        } catch (IOException notJson) {
            return false;
        }
    }

    private static boolean containsIgnoringCase(String text, String part) {
        for (int i = 0; i + part.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        // Never the secret, nor credentials in the URL.
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }
}
