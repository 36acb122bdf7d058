package dev.consentrelay.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.consentrelay.config.InternalConfig;
import dev.consentrelay.security.InstanceCredentials;

/**
 * The instance-to-instance listener, on a port of its own ({@code consent-relay.internal.port}, the port advertised in
 * {@code application.server}): another instance asks it, with the service's shared token, the query a caller asked
 * there. A request with the token is handed to this process's own API over loopback, marked with a per-process secret
 * that authenticates it as the instance; anything else is refused. Only {@code GET} of {@code /v1/...} passes, so the
 * channel can read and nothing more; a NetworkPolicy can admit only the service's own pods to this port. A server of
 * the JDK's, apart from the HTTP API's: nothing it does can hold up the API's own listener.
 */
@ApplicationScoped
public class InternalQueryListener {

    private static final Logger LOG = Logger.getLogger(InternalQueryListener.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final InternalConfig config;
    private final InstanceCredentials credentials;

    private HttpServer server;
    private ExecutorService workers;
    private final HttpClient loopback = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    public InternalQueryListener(InternalConfig config, InstanceCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
    }

    void start(@Observes StartupEvent event) {
        try {
            InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
            if (credentials.tls()) {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(serverTls()));
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen for other instances on " + config.host() + ":"
                    + config.port() + " (consent-relay.internal.port): " + e.getMessage(), e);
        }
        workers = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "consent-relay-internal");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        LOG.infof("Listening for other instances' queries on port %d (%s)", port(), credentials.scheme());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
        }
    }

    /** The port the listener is bound to. */
    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream ignored = exchange.getRequestBody()) {
            if (!credentials.isToken(exchange.getRequestHeaders().getFirst(InstanceCredentials.TOKEN_HEADER))) {
                reply(exchange, 401, "this port answers other consent-relay instances only: present the instance"
                        + " token (consent-relay.internal.token) in " + InstanceCredentials.TOKEN_HEADER);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "only GET is forwarded between instances");
                return;
            }
            URI uri = exchange.getRequestURI();
            if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/v1/")) {
                reply(exchange, 404, "only /v1/ queries are forwarded between instances");
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + apiHost() + ":" + apiPort()
                    + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .timeout(TIMEOUT).GET().header(InstanceCredentials.LOOPBACK_HEADER, credentials.loopbackSecret());
            copy(exchange, request, "Accept");
            copy(exchange, request, QueryForwarder.FORWARDED_HEADER);
            HttpResponse<byte[]> answer;
            try {
                answer = loopback.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                LOG.debugf("This instance's API did not answer a forwarded query: %s", e.toString());
                reply(exchange, 503, "this instance could not answer: " + e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(exchange, 503, "this instance is stopping");
                return;
            }
            answer.headers().firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            answer.headers().firstValue("Retry-After")
                    .ifPresent(after -> exchange.getResponseHeaders().set("Retry-After", after));
            send(exchange, answer.statusCode(), answer.body());
        }
    }

    private static void copy(HttpExchange from, HttpRequest.Builder to, String header) {
        String value = from.getRequestHeaders().getFirst(header);
        if (value != null) {
            to.header(header, value);
        }
    }

    private static void reply(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, ("{\"message\":\"" + message.replace("\"", "'") + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private SSLContext serverTls() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            char[] password = config.keyStorePassword().map(String::toCharArray).orElse(null);
            try (InputStream in = Files.newInputStream(Path.of(config.keyStorePath().get()))) {
                keys.load(in, password);
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read consent-relay.internal.key-store-path "
                    + config.keyStorePath().orElse("") + ": " + e.getMessage(), e);
        }
    }

    /** Where this process's own API listens, as seen from this process. */
    private static String apiHost() {
        String host = ConfigProvider.getConfig().getOptionalValue("quarkus.http.host", String.class)
                .orElse("localhost");
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    }

    private static int apiPort() {
        String property = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        return ConfigProvider.getConfig().getOptionalValue(property, Integer.class).orElse(8080);
    }
}
