package dev.consentrelay.serde;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the Confluent Schema Registry REST API (also served by Apicurio's {@code ccompat} API, Karapace and
 * Redpanda) over the JDK HTTP client.
 * <p>
 * Connection errors and 5xx answers are retried with exponential backoff; TLS failures and 4xx answers fail at once
 * with a
 * {@link SchemaRegistryException}. Ids and schemas are cached for the life of the client: a global id never changes
 * meaning in a registry.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /** Content type of every request and answer of the Confluent API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = System.getLogger(HttpSchemaRegistryClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryConfig config;
    private final String baseUrl;
    private final String authorization;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(SchemaRegistryConfig config) {
        this.config = config;
        String url = config.url();
        URI parsed = URI.create(url);
        if (parsed.getUserInfo() != null) {
            // Not echoing the URL: it holds a secret.
            throw new IllegalArgumentException("The schema registry URL must not carry credentials;"
                    + " set basicAuthUser and basicAuthPassword instead");
        }
        if (!"http".equalsIgnoreCase(parsed.getScheme()) && !"https".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException("The schema registry URL must be http:// or https://: " + url);
        }
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = config.basicAuthUser() == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString((config.basicAuthUser() + ":"
                        + config.basicAuthPassword()).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        if (config.trustStorePath() != null) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
    }

    /** The base URL requests are sent to. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = registerOnce(subject, schema);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != SchemaRegistryException.INCOMPATIBLE) {
                throw e;
            }
            // Two clients registering a new subject at the same moment: Apicurio answers the loser with 409
            // ("already exists") although the schema is the one now registered. Asked again, it answers with the id;
            // a schema that really is incompatible is refused again.
            LOG.log(Level.DEBUG, "Registering under {0} answered 409; asking once more", subject);
            answer = registerOnce(subject, schema);
        }
        int id = requiredInt(answer, "id");
        ids.put(key, id);
        schemas.putIfAbsent(id, schema);
        return id;
    }

    private JsonNode registerOnce(String subject, Schema schema) {
        return send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                (status, code, message) -> {
                    if (status == SchemaRegistryException.INCOMPATIBLE) {
                        return "Schema for subject '" + subject
                                + "' is incompatible with the latest registered version: " + message;
                    }
                    if (status == 422) {
                        return "The schema registry at " + baseUrl + " rejected the schema for subject '" + subject
                                + "' as invalid: " + message;
                    }
                    return null;
                });
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null,
                (status, code, message) -> status == 404
                        ? "Schema id " + id + " is not registered in the schema registry at " + baseUrl
                                + " (registry says: " + message + ")"
                        : null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("Schema id " + id + " in the schema registry at " + baseUrl + " is a "
                    + type + " schema, not Avro", 200, 0, null);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(requiredText(answer, "schema"));
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Schema id " + id + " in the schema registry at " + baseUrl
                    + " is not a valid Avro schema: " + e.getMessage(), 200, 0, null, e);
        }
        Schema raced = schemas.putIfAbsent(id, schema);
        return raced == null ? schema : raced;
    }

    @Override
    public int idFor(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                (status, code, message) -> {
                    if (code == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                        return "Subject '" + subject + "' is not registered in the schema registry at " + baseUrl
                                + "; register the schema first or enable auto-registration";
                    }
                    if (status == 404) {
                        return "Schema " + schema.getFullName() + " is not registered under subject '" + subject
                                + "' in the schema registry at " + baseUrl
                                + "; register it first or enable auto-registration (registry says: " + message + ")";
                    }
                    return null;
                });
        int id = requiredInt(answer, "id");
        ids.put(key, id);
        schemas.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), (status, code, message) -> null);
            JsonNode result = answer.get("is_compatible");
            if (result == null || !result.isBoolean()) {
                throw new SchemaRegistryException("The schema registry at " + baseUrl
                        + " answered a compatibility check without 'is_compatible': " + answer, 200, 0, null);
            }
            return result.booleanValue();
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return true; // no such subject (or no version yet): anything may be registered
            }
            throw e;
        }
    }

    @Override
    public void close() {
        ids.clear();
        schemas.clear();
        // HttpClient in Java 17 holds no resources that need an explicit close.
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient[" + baseUrl + "]";
    }

    /** Builds the message of a 4xx answer in the context of a call; {@code null} for the generic message. */
    @FunctionalInterface
    private interface ErrorMessages {
        String describe(int status, int errorCode, String registryMessage);
    }

    private JsonNode send(String method, String path, String body, ErrorMessages errors) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpRequest built = request.build();
        int attempts = config.maxRetries() + 1;
        for (int attempt = 1;; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (SSLException e) {
                // A trust or protocol mismatch: retrying cannot fix it.
                throw new SchemaRegistryException("TLS with the schema registry at " + baseUrl + " failed (" + method
                        + " " + path + "): " + e.getMessage() + "; check the trust store settings",
                        SchemaRegistryException.NO_RESPONSE, 0, null, e);
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw new SchemaRegistryException("Schema registry at " + baseUrl + " could not be reached ("
                            + method + " " + path + ", " + attempts + " attempts): " + e,
                            SchemaRegistryException.NO_RESPONSE,
                            0, null, e);
                }
                backOff(attempt, method, path, e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling the schema registry at " + baseUrl,
                        SchemaRegistryException.NO_RESPONSE, 0, null, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return parse(response.body(), method, path);
            }
            if (status >= 500 && attempt < attempts) {
                backOff(attempt, method, path, "HTTP " + status);
                continue;
            }
            throw failure(method, path, status, response.body(), errors);
        }
    }

    private void backOff(int attempt, String method, String path, String reason) {
        long delay = backoffFor(config.retryBackoff(), attempt).toMillis();
        LOG.log(Level.WARNING, "Schema registry {0} {1}{2} failed ({3}); retry {4} of {5} in {6} ms", method, baseUrl,
                path, reason, attempt, config.maxRetries(), delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while waiting to retry the schema registry at " + baseUrl,
                    SchemaRegistryException.NO_RESPONSE, 0, null, e);
        }
    }

    private SchemaRegistryException failure(String method, String path, int status, String body,
            ErrorMessages errors) {
        int code = status;
        String message = body == null || body.isBlank() ? "(empty answer)" : body;
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.isObject()) {
                code = error.path("error_code").asInt(status);
                message = error.path("message").asText(message);
            }
        } catch (JsonProcessingException e) {
            // not JSON: keep the raw body as the message
        }
        String text = status / 100 == 4 ? errors.describe(status, code, message) : null;
        if (text == null && (status == 401 || status == 403)) {
            text = "The schema registry at " + baseUrl + " refused access (HTTP " + status
                    + "): check the basic auth user and password";
        }
        if (text == null) {
            text = "Schema registry request " + method + " " + baseUrl + path + " failed with HTTP " + status
                    + " (error code " + code + "): " + message;
        }
        return new SchemaRegistryException(text, status, code, message);
    }

    private JsonNode parse(String body, String method, String path) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered " + method + " " + path
                    + " with something that is not JSON: " + e.getOriginalMessage(), 200, 0, null, e);
        }
    }

    private int requiredInt(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "Schema registry at " + baseUrl + " answered without a numeric '" + field + "': " + answer, 200,
                    0, null);
        }
        return value.intValue();
    }

    private String requiredText(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw new SchemaRegistryException(
                    "Schema registry at " + baseUrl + " answered without a '" + field + "' text: " + answer, 200, 0,
                    null);
        }
        return value.textValue();
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext sslContext(SchemaRegistryConfig config) {
        String type = config.trustStoreType() == null ? KeyStore.getDefaultType() : config.trustStoreType();
        char[] password = config.trustStorePassword() == null ? null : config.trustStorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(config.trustStorePath()))) {
            KeyStore trustStore = KeyStore.getInstance(type);
            trustStore.load(in, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // The message names the file and type only, never the password.
            throw new IllegalArgumentException("Cannot load the schema registry trust store " + config.trustStorePath()
                    + " (type " + type + "): " + e.getMessage(), e);
        }
    }

    /** Cache key: a schema under a subject. {@link Schema#hashCode()} is computed once per schema instance. */
    private record SubjectSchema(String subject, Schema schema) {
    }

    /** Delay before retry {@code attempt} (1-based): the base delay doubled for each earlier retry. */
    static Duration backoffFor(Duration base, int attempt) {
        return base.multipliedBy(1L << Math.min(attempt - 1, 20));
    }
}
