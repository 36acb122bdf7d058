package dev.consentrelay.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.config.InternalConfig;
import dev.consentrelay.security.InstanceCredentials;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance-to-instance listener over TLS, with a certificate made by the JDK's keytool, in front of a stand-in for
 * this process's API that records what reaches it.
 */
class InternalQueryListenerTest {

    private static final String TOKEN = "instance-token-for-this-test";
    private static final String PASSWORD = "changeit";

    @TempDir
    Path dir;

    private final AtomicReference<String> seenSecret = new AtomicReference<>();
    private final AtomicReference<String> seenApiKey = new AtomicReference<>();
    private HttpServer api;
    private InternalQueryListener listener;
    private InstanceCredentials credentials;

    @BeforeEach
    void start() throws Exception {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", exchange -> {
            seenSecret.set(exchange.getRequestHeaders().getFirst(InstanceCredentials.LOOPBACK_HEADER));
            seenApiKey.set(exchange.getRequestHeaders().getFirst("X-API-Key"));
            byte[] body = ("{\"path\":\"" + exchange.getRequestURI() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        System.setProperty("quarkus.http.host", "127.0.0.1");
        System.setProperty("quarkus.http.port", String.valueOf(api.getAddress().getPort()));

        Path keyStore = dir.resolve("internal.p12");
        keytool("-genkeypair", "-alias", "relay", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore",
                keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        InternalConfig config = new Config(keyStore.toString());
        credentials = new InstanceCredentials(config);
        invoke(credentials, "init");
        listener = new InternalQueryListener(config, credentials);
        listener.start(null);
    }

    @AfterEach
    void stop() {
        listener.stop(null);
        api.stop(0);
        System.clearProperty("quarkus.http.host");
        System.clearProperty("quarkus.http.port");
    }

    @Test
    void anInstanceWithTheTokenIsAnsweredOverTlsAndTheApiSeesTheProcessSecretNeverACallersKey() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(credentials.clientTls()).build();
        URI uri = URI.create("https://localhost:" + listener.port() + "/v1/subjects/s-1/consent?x=1");

        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri)
                .header(InstanceCredentials.TOKEN_HEADER, TOKEN).header("X-API-Key", "a-callers-key").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> noToken = client.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                .header(InstanceCredentials.TOKEN_HEADER, TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"path\":\"/v1/subjects/s-1/consent?x=1\"}");
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(credentials.isLoopbackSecret(seenSecret.get())).isTrue();
        assertThat(seenApiKey.get()).as("a caller's credential never crosses").isNull();
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void plainHttpIsRefusedWhenTheChannelSpeaksTls() {
        HttpClient plain = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + listener.port() + "/v1/subjects/s-1/consent");

        assertThat(send(plain, uri)).isEmpty();
    }

    private static Optional<Integer> send(HttpClient client, URI uri) {
        try {
            return Optional.of(client.send(HttpRequest.newBuilder(uri).header(InstanceCredentials.TOKEN_HEADER,
                    TOKEN).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    private static void invoke(Object target, String method) throws Exception {
        var m = target.getClass().getDeclaredMethod(method);
        m.setAccessible(true);
        m.invoke(target);
    }

    /** The channel's settings: a TLS listener on any free loopback port, trusting its own certificate. */
    private record Config(String keyStore) implements InternalConfig {
        @Override
        public int port() {
            return 0;
        }

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public Optional<String> token() {
            return Optional.of(TOKEN);
        }

        @Override
        public Optional<String> keyStorePath() {
            return Optional.of(keyStore);
        }

        @Override
        public Optional<String> keyStorePassword() {
            return Optional.of(PASSWORD);
        }

        @Override
        public Optional<String> trustStorePath() {
            return Optional.of(keyStore);
        }

        @Override
        public Optional<String> trustStorePassword() {
            return Optional.of(PASSWORD);
        }
    }
}
