package dev.consentrelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The vendors' side of the webhook connectors: a local HTTP endpoint per vendor ({@code /hooks/<vendorId>}) that
 * answers 200 at once, so propagation latency measures the service and its connectors, not a vendor.
 * <p>
 * One Vert.x event loop serves every vendor on kept-alive connections. The vendors are remote in production; here
 * their endpoint shares the service's two cores, so it must cost as little as it can: the JDK's {@code HttpServer} it
 * replaces took a third of a core through the in-process preload (a selector thread handing each exchange to a
 * worker pool); this one takes 0.13.
 */
final class WebhookSink implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Buffer APPLIED = Buffer.buffer("{\"status\":\"APPLIED\"}");
    private static final String PATH = "/hooks/";

    private final Vertx vertx;
    private final HttpServer server;
    private final LongAdder deliveries = new LongAdder();

    private WebhookSink(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setTcpNoDelay(true).setAcceptBacklog(256));
    }

    static WebhookSink start() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        WebhookSink sink = new WebhookSink(vertx);
        try {
            sink.server.requestHandler(sink::answer).listen().toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
        return sink;
    }

    /** The URL the connector of {@code vendorId} delivers to. */
    String url(String vendorId) {
        return "http://127.0.0.1:" + server.actualPort() + PATH + vendorId;
    }

    /** Webhook calls answered so far. */
    long deliveries() {
        return deliveries.sum();
    }

    private void answer(HttpServerRequest request) {
        if (!request.path().startsWith(PATH)) {
            request.response().setStatusCode(404).end();
            return;
        }
        request.body().onComplete(body -> {
            if (body.failed()) {
                request.response().setStatusCode(400).end();
                return;
            }
            deliveries.increment();
            Buffer answer;
            try {
                answer = answerTo(body.result());
            } catch (IOException e) {
                request.response().setStatusCode(400).end(String.valueOf(e.getMessage()));
                return;
            }
            request.response().putHeader("Content-Type", "application/json").end(answer);
        });
    }

    /** APPLIED for a single command; for a batch ({@code {"commands": [...]}}), APPLIED for each of its commands. */
    static Buffer answerTo(Buffer request) throws IOException {
        if (request.length() < 12 || !request.getString(0, 12, "UTF-8").startsWith("{\"commands\"")) {
            return APPLIED;
        }
        StringBuilder results = new StringBuilder("{\"results\":[");
        int i = 0;
        for (JsonNode command : JSON.readTree(request.getBytes()).path("commands")) {
            results.append(i++ == 0 ? "" : ",").append("{\"commandId\":\"").append(command.path("commandId").asText())
                    .append("\",\"status\":\"APPLIED\"}");
        }
        return Buffer.buffer(results.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
