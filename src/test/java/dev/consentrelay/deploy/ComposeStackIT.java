package dev.consentrelay.deploy;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The compose stack as shipped (apache/kafka KRaft, Confluent Schema Registry, the service image built from
 * {@code src/main/docker/Dockerfile.jvm}, demo vendor, Prometheus, Grafana) started where a Docker engine runs;
 * skipped elsewhere. Needs {@code ./mvnw package} first (the image copies {@code target/quarkus-app}).
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackIT {

    private static final Duration STARTUP = Duration.ofMinutes(5);

    @Container
    static final ComposeContainer STACK = new ComposeContainer(new File("docker-compose.yml"))
            .withBuild(true)
            .withExposedService("consent-relay", 8080,
                    Wait.forHttp("/q/health/ready").forStatusCode(200).withStartupTimeout(STARTUP))
            .withExposedService("prometheus", 9090, Wait.forHttp("/-/ready").withStartupTimeout(STARTUP))
            .withExposedService("grafana", 3000, Wait.forHttp("/api/health").withStartupTimeout(STARTUP));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void serviceIsReadyAndExportsItsMetrics() throws Exception {
        String metrics = get("consent-relay", 8080, "/q/metrics");
        assertThat(metrics).contains("kafka_stream_client_state");
    }

    @Test
    void prometheusScrapesTheServiceAndSeesStreamsRunning() {
        await().atMost(STARTUP).untilAsserted(() -> assertThat(
                get("prometheus", 9090, "/api/v1/query?query=max(kafka_stream_client_state)"))
                .contains("\"2\""));
        await().atMost(STARTUP).untilAsserted(() -> assertThat(get("prometheus", 9090, "/api/v1/rules"))
                .contains("ConsentStreamsNotRunning").contains("ConsentSlaBreaches"));
    }

    @Test
    void grafanaHasTheDashboardProvisioned() throws Exception {
        assertThat(get("grafana", 3000, "/api/dashboards/uid/consent-relay"))
                .contains("Propagation latency p99 per vendor");
    }

    private String get(String service, int port, String path) throws Exception {
        URI uri = URI.create("http://" + STACK.getServiceHost(service, port) + ":"
                + STACK.getServicePort(service, port) + path);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
        return response.body();
    }
}
