package dev.consentrelay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldApplyASingleCommandAndEachCommandOfABatchAndCountEveryCall() throws Exception {
        try (WebhookSink sink = WebhookSink.start()) {
            HttpResponse<String> single = post(sink.url("crm"), "{\"commandId\":\"c-1\",\"action\":\"SUPPRESS\"}");
            HttpResponse<String> batch = post(sink.url("ads"),
                    "{\"commands\":[{\"commandId\":\"c-2\"},{\"commandId\":\"c-3\"}]}");

            assertThat(single.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(single.body()).path("status").asText()).isEqualTo("APPLIED");
            assertThat(batch.statusCode()).isEqualTo(200);
            JsonNode results = JSON.readTree(batch.body()).path("results");
            assertThat(results).hasSize(2);
            assertThat(results.get(0).path("commandId").asText()).isEqualTo("c-2");
            assertThat(results.get(1).path("commandId").asText()).isEqualTo("c-3");
            assertThat(results.get(1).path("status").asText()).isEqualTo("APPLIED");
            assertThat(sink.deliveries()).isEqualTo(2);
        }
    }

    @Test
    void shouldAnswerAnythingOutsideTheHooksWith404AndNotCountIt() throws Exception {
        try (WebhookSink sink = WebhookSink.start()) {
            String other = sink.url("crm").replace("/hooks/crm", "/other");

            assertThat(post(other, "{}").statusCode()).isEqualTo(404);
            assertThat(sink.deliveries()).isZero();
        }
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
