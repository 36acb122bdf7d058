package dev.consentrelay.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.testing.Keytool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP client over TLS, trusting a self-signed registry certificate through a configured trust store. */
class HttpSchemaRegistryClientTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static Path keyStore;
    private static Path trustStore;

    private HttpsServer server;

    /** One self-signed certificate for the class: keytool starts a JVM per call. */
    @BeforeAll
    static void createStores() throws IOException, InterruptedException {
        keyStore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        trustStore = dir.resolve("trust.p12");
        Keytool.selfSigned(keyStore, "registry", PASSWORD);
        Keytool.run("-exportcert", "-alias", "registry", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        Keytool.run("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    }

    @BeforeEach
    void startTlsServer() throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            byte[] body = "{\"id\":11}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldTrustRegistryCertificateFromConfiguredTrustStore() {
        SchemaRegistryConfig config = SchemaRegistryConfig.of(url()).withTrustStore(trustStore.toString(), PASSWORD,
                "PKCS12");

        assertThat(new HttpSchemaRegistryClient(config).register("s-value", ConsentSignal.getClassSchema()))
                .isEqualTo(11);
    }

    @Test
    void shouldFailAtOnceWhenTheCertificateIsNotTrusted() {
        SchemaRegistryConfig config = SchemaRegistryConfig.of(url()).withRetries(5, Duration.ofMinutes(1));

        assertThatThrownBy(() -> new HttpSchemaRegistryClient(config).register("s-value",
                ConsentSignal.getClassSchema())).isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("TLS with the schema registry at " + url() + " failed")
                .hasMessageEndingWith("check the trust store settings");
    }

    @Test
    void shouldNameTheTrustStoreButNotItsPasswordWhenItCannotBeLoaded() {
        SchemaRegistryConfig config = SchemaRegistryConfig.of(url()).withTrustStore(trustStore.toString(),
                "wrong-secret", "PKCS12");

        assertThatThrownBy(() -> new HttpSchemaRegistryClient(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(trustStore.toString()).hasMessageNotContaining("wrong-secret");
    }

    private String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }
}
