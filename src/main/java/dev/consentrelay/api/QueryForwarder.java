package dev.consentrelay.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;

import dev.consentrelay.config.QueryConfig;
import dev.consentrelay.security.InstanceCredentials;

/**
 * Answers a query for a key another instance owns by asking that instance the same question (same path and query),
 * so the caller never needs to know where a subject lives. The question goes to the owner's instance-to-instance port
 * (the one {@code application.server} advertises) with the service's own token, never the caller's credentials, over
 * TLS where configured. A forwarded request is marked, and an instance never forwards a marked request again: if
 * ownership moved meanwhile, the caller is told to retry.
 */
@ApplicationScoped
public class QueryForwarder {

    /** Marks a forwarded request with the instance that forwarded it. */
    public static final String FORWARDED_HEADER = "X-Consent-Relay-Forwarded-By";

    private static final Logger LOG = Logger.getLogger(QueryForwarder.class);

    private final QueryConfig config;
    private final InstanceCredentials credentials;

    private HttpClient client;

    @Inject
    public QueryForwarder(QueryConfig config, InstanceCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
    }

    @PostConstruct
    void init() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (credentials.clientTls() != null) {
            builder.sslContext(credentials.clientTls());
        }
        client = builder.build();
    }

    /** Whether this request was forwarded by another instance. */
    public static boolean isForwarded(HttpHeaders headers) {
        return headers.getHeaderString(FORWARDED_HEADER) != null;
    }

    /**
     * The HTTP answer to a keyed interactive query: {@code ok} for a value found here, the owner's answer for a key
     * another instance holds, 503 with {@code Retry-After} while the stores move, 404 with {@code notFound} otherwise.
     *
     * @param self this instance's {@code host:port}, marked on a forwarded request
     */
    public <T> Response answer(QueryResult<T> result, Function<T, Response> ok, String notFound, UriInfo uri,
            HttpHeaders headers, String self) {
        if (result instanceof QueryResult.Found<T> found) {
            return ok.apply(found.value());
        }
        if (result instanceof QueryResult.Elsewhere<T> elsewhere) {
            return forward(elsewhere.host(), elsewhere.port(), uri, headers, self);
        }
        if (result instanceof QueryResult.Unavailable<T> unavailable) {
            return Responses.unavailable(unavailable.reason(), config.retryAfterSeconds());
        }
        return Responses.notFound(notFound);
    }

    /** The owner's answer, status, type, body and {@code Retry-After} as they are; 503 when it cannot be reached. */
    public Response forward(String host, int port, UriInfo uri, HttpHeaders headers, String self) {
        if (isForwarded(headers)) {
            return Responses.unavailable("ownership of this key is moving between instances",
                    config.retryAfterSeconds());
        }
        URI target = URI.create(credentials.scheme() + "://" + host + ":" + port).resolve(uri.getRequestUri()
                .getRawPath()
                + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(config.forwardTimeout()).GET()
                .header(FORWARDED_HEADER, self).header(InstanceCredentials.TOKEN_HEADER, credentials.token());
        String accept = headers.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null) {
            request.header(HttpHeaders.ACCEPT, accept);
        }
        try {
            HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.ResponseBuilder out = Response.status(answer.statusCode()).entity(answer.body());
            answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(type -> out.type(type));
            answer.headers().firstValue(HttpHeaders.RETRY_AFTER).ifPresent(v -> out.header(HttpHeaders.RETRY_AFTER, v));
            return out.build();
        } catch (IOException e) {
            LOG.debugf("Instance %s:%d did not answer %s: %s", host, port, target, e);
            return Responses.unavailable("the instance owning this key (" + host + ":" + port
                    + ") did not answer", config.retryAfterSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Responses.unavailable("interrupted", config.retryAfterSeconds());
        }
    }

    /** The answer of another instance to a GET, for aggregating; {@code null} when it cannot be reached. */
    public HttpResponse<String> get(String host, int port, String pathAndQuery, HttpHeaders headers, String self) {
        HttpRequest.Builder request = HttpRequest
                .newBuilder(URI.create(credentials.scheme() + "://" + host + ":" + port + pathAndQuery))
                .timeout(config.forwardTimeout()).GET().header(FORWARDED_HEADER, self)
                .header(InstanceCredentials.TOKEN_HEADER, credentials.token())
                .header(HttpHeaders.ACCEPT, "application/json");
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
