package dev.consentrelay.connector;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The HTTP side of the webhook connectors: one Vert.x instance of their own (a small event loop, apart from the
 * service's HTTP API) and one pooled client per connect timeout, shared by every webhook vendor. A delivery sends a
 * POST and is called back on the event loop with the answer, so no thread waits for a vendor. The JDK's
 * {@code HttpClient} it replaces ran a selector thread and a worker pool per vendor and hopped threads several times
 * per request: with twenty vendors the connectors spent more CPU in it than the service spent deciding.
 */
public final class WebhookTransport implements AutoCloseable {

    /** The name of the transport's one event-loop thread. */
    static final String THREAD_NAME = "webhook-loop";
    /** How much longer than its timeout a blocking caller waits, for a transport closed during the request. */
    private static final long CLOSED_GRACE_MILLIS = 1_000;
    /** Connections kept per vendor host. */
    private static final int POOL_SIZE = 64;

    private final Vertx vertx;
    private final Context context;
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    public WebhookTransport() {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        // Asked from outside Vert.x: a new context on the event loop, which every request then starts from.
        this.context = vertx.getOrCreateContext();
        // Named apart from the HTTP API's event loops, in thread dumps and in the CPU a benchmark reads per thread.
        context.runOnContext(ignored -> Thread.currentThread().setName(THREAD_NAME));
    }

    /** A vendor's answer: its status, at most {@code maxBytes} of its body, and its Retry-After. */
    record Answer(int status, String body, Optional<String> retryAfter) {
    }

    /**
     * POSTs the body with the headers and waits up to {@code timeout} for the whole answer, of which at most
     * {@code maxBytes} are kept (the rest is read and dropped, so a vendor cannot make the connector hold more).
     *
     * @throws Exception the connection or the exchange failed or timed out: the cause, unwrapped
     */
    Answer post(URI url, Map<String, String> headers, byte[] body, Duration timeout, int maxBytes)
            throws Exception {
        CompletableFuture<Answer> answer = postAsync(url, headers, body, timeout, maxBytes);
        try {
            // The event loop's timer ends the exchange; this bound only holds when the transport is closed under it.
            return answer.get(timeout.toMillis() + CLOSED_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
    }

    /**
     * {@link #post} without waiting: the stage completes on the event loop with the answer, or exceptionally with the
     * failure (a {@link TimeoutException} when no whole answer came within {@code timeout}).
     */
    CompletableFuture<Answer> postAsync(URI url, Map<String, String> headers, byte[] body, Duration timeout,
            int maxBytes) {
        HttpClient client = clients.computeIfAbsent(timeout, this::client);
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
                .setPort(port).setSsl(https).setURI(path).setIdleTimeout(timeout.toMillis());
        headers.forEach(request::putHeader);
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        // Started on the transport's one context, so that the response reaches this code on the event-loop turn that
        // received it: from another context it would come a turn later, possibly after its body has ended.
        context.runOnContext(ignored -> {
            long timer = vertx.setTimer(timeout.toMillis(), expired -> answer.completeExceptionally(
                    new TimeoutException("no answer within " + timeout.toMillis() + " ms")));
            answer.whenComplete((done, failure) -> vertx.cancelTimer(timer));
            client.request(request).compose(sent -> sent.send(Buffer.buffer(body))).onComplete(sent -> {
                if (sent.failed()) {
                    answer.completeExceptionally(sent.cause());
                    return;
                }
                try {
                    read(sent.result(), maxBytes, answer);
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        });
        return answer;
    }

    private static void read(HttpClientResponse response, int maxBytes, CompletableFuture<Answer> answer) {
        Buffer kept = Buffer.buffer();
        response.handler(chunk -> {
            int room = maxBytes - kept.length();
            if (room > 0) {
                kept.appendBuffer(chunk.length() <= room ? chunk : chunk.getBuffer(0, room));
            }
        });
        response.exceptionHandler(answer::completeExceptionally);
        response.endHandler(done -> answer.complete(new Answer(response.statusCode(), kept.toString(),
                Optional.ofNullable(response.getHeader("Retry-After")))));
    }

    private HttpClient client(Duration connectTimeout) {
        HttpClientOptions options = new HttpClientOptions().setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true).setVerifyHost(true).setTrustAll(false).setTryUseCompression(false);
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        clients.clear();
        vertx.close();
    }
}
