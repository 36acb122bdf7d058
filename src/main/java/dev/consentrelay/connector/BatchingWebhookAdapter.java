package dev.consentrelay.connector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import dev.consentrelay.domain.NameUuids;
import dev.consentrelay.schema.PropagationCommand;

/**
 * Batched webhook delivery: up to {@code batchSize} commands in one signed POST, as vendors' bulk APIs take them
 * (Braze's {@code users/delete} takes 50 ids a call). The body is {@code {"commands": [<command>, ...]}}, each element
 * the JSON a single delivery would send; the {@code Idempotency-Key} is derived from the command ids, and every
 * element keeps its own {@code commandId} for the vendor to de-duplicate by. The vendor answers each command:
 * {@code {"results": [{"commandId": "...", "status": "APPLIED|NOT_FOUND|REJECTED|RETRY", "detail": "..."}]}}. A
 * command the answer does not mention, or with a status this build does not know, is retried; an answer that is not a
 * 2xx applies to every command of the batch (408, 429 and 5xx retry, any other, 404 included, rejects: a bulk endpoint
 * that is not there must not read as "subject not found").
 * <p>
 * Each delivery lane hands its command over and waits for its result, so one subject's commands still go one after
 * the other, retries included; a sender thread gathers what the lanes hand over for up to {@code linger} after the
 * first command and takes one rate-limit token per request, not per command.
 */
public final class BatchingWebhookAdapter implements VendorAdapter {

    private static final Logger LOG = Logger.getLogger(BatchingWebhookAdapter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookAdapter webhook;
    private final int batchSize;
    private final Duration linger;
    private final TokenBucket rateLimit;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean running = true;

    private record Pending(PropagationCommand command, CompletableFuture<DeliveryResult> result) {
    }

    /**
     * @param rateLimit taken once per POST
     */
    public BatchingWebhookAdapter(WebhookAdapter webhook, int batchSize, Duration linger, TokenBucket rateLimit,
            String vendorId) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("a batch holds at least 2 commands, got " + batchSize);
        }
        this.webhook = webhook;
        this.batchSize = batchSize;
        this.linger = linger;
        this.rateLimit = rateLimit;
        this.sender = new Thread(this::sendLoop, "connector-" + vendorId + "-batches");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public String kind() {
        return "webhook (batches of up to " + batchSize + ")";
    }

    /** Hands the command to the next batch and waits for its result. */
    @Override
    public DeliveryResult deliver(PropagationCommand command) {
        Pending pending = new Pending(command, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryResult.retry("interrupted");
        } catch (ExecutionException e) {
            return DeliveryResult.retry("batch failed: " + e.getCause());
        }
    }

    private void sendLoop() {
        while (running) {
            List<Pending> batch = new ArrayList<>(batchSize);
            try {
                batch.add(queue.take());
                long deadline = System.nanoTime() + linger.toNanos();
                while (batch.size() < batchSize) {
                    Pending next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                rateLimit.acquire();
            } catch (InterruptedException stopping) {
                batch.forEach(p -> p.result().complete(DeliveryResult.retry("connector stopping")));
                return;
            }
            Map<UUID, DeliveryResult> results = send(batch.stream().map(Pending::command).toList());
            batch.forEach(p -> p.result().complete(results.get(p.command().getCommandId())));
        }
    }

    /** One POST of the batch; a result for every command. */
    Map<UUID, DeliveryResult> send(List<PropagationCommand> commands) {
        StringBuilder body = new StringBuilder("{\"commands\":[");
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < commands.size(); i++) {
            body.append(i == 0 ? "" : ",").append(CommandRendering.json(commands.get(i)));
            ids.append(commands.get(i).getCommandId()).append(',');
        }
        body.append("]}");
        String key = NameUuids.of(ids.toString());
        WebhookTransport.Answer response;
        try {
            response = webhook.post(body.toString().getBytes(StandardCharsets.UTF_8), key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return all(commands, DeliveryResult.retry("interrupted"));
        } catch (Exception e) {
            return all(commands, DeliveryResult.retry(e.getClass().getSimpleName()));
        }
        return interpret(commands, response.status(), response.body(), response.retryAfter().orElse(null));
    }

    /** Maps the vendor's answer to a batch to each command's result. */
    Map<UUID, DeliveryResult> interpret(List<PropagationCommand> commands, int status, String body,
            String retryAfter) {
        String detail = "HTTP " + status;
        if (status < 200 || status >= 300) {
            DeliveryResult whole = status == 404
                    ? DeliveryResult.rejected(detail + ": no batch endpoint at the vendor's URL")
                    : webhook.interpret(status, body, java.util.Optional.ofNullable(retryAfter));
            return all(commands, whole);
        }
        Map<String, JsonNode> answers = new HashMap<>();
        try {
            JsonNode results = body == null || body.isBlank() ? null : JSON.readTree(body).path("results");
            if (results != null && results.isArray()) {
                results.forEach(r -> answers.put(r.path("commandId").asText(), r));
            }
        } catch (IOException notJson) {
            LOG.debugf("Batch answer is not JSON: %s", notJson.getMessage());
        }
        Map<UUID, DeliveryResult> out = new HashMap<>();
        for (PropagationCommand command : commands) {
            JsonNode answer = answers.get(command.getCommandId().toString());
            out.put(command.getCommandId(), answer == null
                    ? DeliveryResult.retry(detail + ": the answer has no result for the command")
                    : result(answer, detail));
        }
        return out;
    }

    private static DeliveryResult result(JsonNode answer, String httpDetail) {
        String vendorDetail = answer.path("detail").asText("");
        String detail = httpDetail + (vendorDetail.isEmpty() ? "" : ": " + vendorDetail);
        return switch (answer.path("status").asText("").toUpperCase(java.util.Locale.ROOT)) {
            case "APPLIED" -> DeliveryResult.applied(detail);
            case "NOT_FOUND" -> DeliveryResult.notFound(detail);
            case "REJECTED" -> DeliveryResult.rejected(detail);
            case "RETRY" -> DeliveryResult.retry(detail);
            default -> DeliveryResult.retry(detail + " (status '" + answer.path("status").asText("")
                    + "' unknown: retried)");
        };
    }

    private static Map<UUID, DeliveryResult> all(List<PropagationCommand> commands, DeliveryResult result) {
        Map<UUID, DeliveryResult> out = new HashMap<>();
        commands.forEach(c -> out.put(c.getCommandId(), result));
        return out;
    }

    @Override
    public void close() {
        running = false;
        sender.interrupt();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result().complete(DeliveryResult.retry("connector stopping"));
        }
        webhook.close();
    }

    @Override
    public String toString() {
        return webhook + " in batches of up to " + batchSize;
    }
}
