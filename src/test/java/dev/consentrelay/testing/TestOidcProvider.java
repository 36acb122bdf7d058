package dev.consentrelay.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * An OIDC provider as far as a resource server sees one: a JDK HTTP server on 127.0.0.1 publishing its discovery
 * document and the JWKS of a freshly generated RSA key, and tokens signed with that key. One per test JVM, started on
 * first use.
 */
public final class TestOidcProvider {

    /** The audience of the tokens {@link #claims} builds. */
    public static final String AUDIENCE = "consent-relay";
    /** Key id of the provider's signing key. */
    public static final String KEY_ID = "test-signing-key";

    private static TestOidcProvider instance;

    private final RsaJsonWebKey key;
    private final HttpServer server;

    private TestOidcProvider() throws IOException {
        key = newKey(KEY_ID);
        String jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/realms/test/protocol/openid-connect/certs", exchange -> json(exchange, jwks));
        server.createContext("/realms/test/.well-known/openid-configuration",
                exchange -> json(exchange, "{\"issuer\": \"" + issuer() + "\", \"jwks_uri\": \"" + jwksUrl()
                        + "\", \"id_token_signing_alg_values_supported\": [\"RS256\"]}"));
        server.start();
    }

    private static void json(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The provider of this JVM, started if needed. */
    public static synchronized TestOidcProvider get() {
        if (instance == null) {
            try {
                instance = new TestOidcProvider();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            HttpServer started = instance.server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stop(0), "test-oidc-shutdown"));
        }
        return instance;
    }

    /** The issuer ({@code iss}) of the provider's tokens. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    }

    /** Where the provider publishes its keys. */
    public String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /** The provider's signing key (private part included). */
    public RsaJsonWebKey key() {
        return key;
    }

    /** A fresh 2048-bit RSA key. */
    public static RsaJsonWebKey newKey(String keyId) {
        try {
            RsaJsonWebKey generated = RsaJwkGenerator.generateJwk(2048);
            generated.setKeyId(keyId);
            return generated;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims of an access token from {@code issuer} for {@code subject}, valid for five minutes, with groups. */
    public static JwtClaims claims(String issuer, String subject, String... groups) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setAudience(AUDIENCE);
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond()));
        claims.setStringListClaim("groups", List.of(groups));
        return claims;
    }

    /** The compact RS256 JWS of {@code claims} signed with {@code signer}. */
    public static String sign(RsaJsonWebKey signer, JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signer.getPrivateKey());
        jws.setKeyIdHeaderValue(signer.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
