package dev.consentrelay.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP client against a scripted registry on a loopback port. */
class HttpSchemaRegistryClientTest {

    private static final String BASE_PATH = "/apis/ccompat/v7";

    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Script script = (path, n) -> new Answer(500, "{}");
    private HttpServer server;
    private String baseUrl;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH;
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldRetryOn503ThenSucceed() {
        AtomicInteger calls = new AtomicInteger();
        script = (path, n) -> calls.incrementAndGet() <= 2
                ? new Answer(503, "{\"error_code\":50301}")
                : new Answer(200, "{\"id\":7}");

        int id = client(config()).register("signals-value", ConsentSignal.getClassSchema());

        assertThat(id).isEqualTo(7);
        assertThat(requests).hasSize(3).allSatisfy(r -> {
            assertThat(r.method).isEqualTo("POST");
            assertThat(r.path).isEqualTo(BASE_PATH + "/subjects/signals-value/versions");
            assertThat(r.contentType).isEqualTo("application/vnd.schemaregistry.v1+json");
            assertThat(r.body).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
        });
    }

    @Test
    void shouldGiveUpAfterMaxRetries() {
        script = (path, n) -> new Answer(503, "{\"error_code\":50301,\"message\":\"busy\"}");

        assertThatThrownBy(() -> client(config().withRetries(2, Duration.ofMillis(1))).schemaById(3))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(503))
                .hasMessageContaining("HTTP 503");
        assertThat(requests).hasSize(3);
    }

    @Test
    void shouldRetryConnectionErrorsThenReportUnreachableRegistry() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryConfig config = SchemaRegistryConfig.of("http://127.0.0.1:" + closedPort)
                .withRetries(2, Duration.ofMillis(1));

        assertThatThrownBy(() -> client(config).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE))
                .hasMessageContaining("could not be reached").hasMessageContaining("3 attempts");
    }

    @Test
    void shouldMapUnknownSchemaIdTo40403WithClearMessage() {
        script = (path, n) -> new Answer(404, "{\"error_code\":40403,\"message\":\"Schema 42 not found\"}");

        assertThatThrownBy(() -> client(config()).schemaById(42))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.registryMessage()).isEqualTo("Schema 42 not found");
                })
                .hasMessageStartingWith("Schema id 42 is not registered in the schema registry at " + baseUrl);
        assertThat(requests).hasSize(1).first().satisfies(r -> {
            assertThat(r.method).isEqualTo("GET");
            assertThat(r.path).isEqualTo(BASE_PATH + "/schemas/ids/42");
        });
    }

    @Test
    void shouldMapIncompatibleSchemaTo409WithClearMessage() {
        script = (path, n) -> new Answer(409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");

        assertThatThrownBy(() -> client(config()).register("x-value", ConsentSignal.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(409))
                .hasMessage("Schema for subject 'x-value' is incompatible with the latest registered version: "
                        + "Schema being registered is incompatible with an earlier schema");
        assertThat(requests).as("asked once more, refused again").hasSize(2);
    }

    @Test
    void shouldTakeTheIdWhenA409CameFromAConcurrentRegistrationOfTheSameSchema() {
        script = (path, n) -> n == 1
                ? new Answer(409, "{\"error_code\":409,\"message\":\"An artifact with ID 'x-value' already exists.\"}")
                : new Answer(200, "{\"id\":7}");

        assertThat(client(config()).register("x-value", ConsentSignal.getClassSchema())).isEqualTo(7);
        assertThat(requests).hasSize(2);
    }

    @Test
    void shouldSendBasicAuthHeaderAndNeverShowThePassword() {
        script = (path, n) -> new Answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        SchemaRegistryConfig config = config().withBasicAuth("relay", "s3cret-pw");

        assertThatThrownBy(() -> client(config).schemaById(1)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("refused access").hasMessageNotContaining("s3cret-pw");

        String expected = "Basic "
                + Base64.getEncoder().encodeToString("relay:s3cret-pw".getBytes(StandardCharsets.UTF_8));
        assertThat(requests).hasSize(1).first().satisfies(r -> assertThat(r.authorization).isEqualTo(expected));
        assertThat(config.toString()).doesNotContain("s3cret-pw").contains("basicAuthPassword=****");
    }

    @Test
    void shouldRefuseCredentialsInTheUrlWithoutEchoingThem() {
        assertThatThrownBy(() -> client(SchemaRegistryConfig.of("http://relay:s3cret-pw@127.0.0.1:8081")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("basicAuthUser")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void shouldCacheSchemasByIdAndIdsBySubjectAndSchema() {
        Schema schema = ConsentSignal.getClassSchema();
        script = (path, n) -> path.contains("/schemas/ids/")
                ? new Answer(200, "{\"schema\":" + quote(schema.toString()) + "}")
                : new Answer(200, "{\"subject\":\"s-value\",\"version\":1,\"id\":5,\"schema\":\"{}\"}");
        HttpSchemaRegistryClient client = client(config());

        assertThat(client.schemaById(5)).isEqualTo(schema);
        assertThat(client.schemaById(5)).isEqualTo(schema);
        assertThat(client.idFor("s-value", schema)).isEqualTo(5);
        assertThat(client.idFor("s-value", schema)).isEqualTo(5);

        assertThat(requests).extracting(r -> r.method + " " + r.path).containsExactly(
                "GET " + BASE_PATH + "/schemas/ids/5", "POST " + BASE_PATH + "/subjects/s-value");
    }

    @Test
    void shouldTreatMissingSubjectAsCompatible() {
        script = (path, n) -> new Answer(404, "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");

        assertThat(client(config()).isCompatible("new-value", ConsentSignal.getClassSchema())).isTrue();
        assertThat(requests).first().satisfies(
                r -> assertThat(r.path).isEqualTo(BASE_PATH + "/compatibility/subjects/new-value/versions/latest"));
    }

    @Test
    void shouldReadCompatibilityVerdict() {
        script = (path, n) -> new Answer(200, "{\"is_compatible\":false}");

        assertThat(client(config()).isCompatible("x-value", ConsentSignal.getClassSchema())).isFalse();
    }

    @Test
    void shouldExplainMissingSubjectWhenLookingUpWithoutAutoRegister() {
        script = (path, n) -> new Answer(404, "{\"error_code\":40401,\"message\":\"Subject 'x-value' not found.\"}");

        assertThatThrownBy(() -> client(config()).idFor("x-value", ConsentSignal.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND))
                .hasMessageContaining("Subject 'x-value' is not registered");
    }

    private SchemaRegistryConfig config() {
        return SchemaRegistryConfig.of(baseUrl).withRetries(3, Duration.ofMillis(1))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static HttpSchemaRegistryClient client(SchemaRegistryConfig config) {
        return new HttpSchemaRegistryClient(config);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Recorded(exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        Answer answer = script.answer(path, requests.size());
        byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(answer.status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @FunctionalInterface
    private interface Script {
        Answer answer(String path, int requestNumber);
    }

    private record Answer(int status, String body) {
    }

    private record Recorded(String method, String path, String contentType, String authorization, String body) {
    }
}
