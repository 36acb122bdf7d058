package dev.consentrelay.api;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.kafka.streams.state.HostInfo;

import dev.consentrelay.config.QueryConfig;
import dev.consentrelay.schema.PropagationAnswers;
import dev.consentrelay.schema.SignalPropagation;
import dev.consentrelay.topology.PropagationLedger;
import dev.consentrelay.topology.StoreNames;

/**
 * Finds a signal's entry ({@link StoreNames#SIGNAL_PROPAGATION}: its decision and its commands, with their answers
 * from {@link StoreNames#PROPAGATION_ANSWERS}) in the task of its subject.
 * <ul>
 * <li>With the subject ({@code /v1/subjects/{subjectId}/signals/{signalId}}, the 202's {@code Location}): one
 * lookup on the instance owning the subject, forwarded there like every subject query.</li>
 * <li>By signal id alone ({@code /v1/signals/{signalId}}, kept for existing callers): each instance keeps a signal
 * index ({@link StoreNames#SIGNAL_SUBJECTS}) derived from its entries, with no changelog, so the route costs no
 * record per signal; an instance that does not find the signal asks every other instance once, in turn, which
 * costs one HTTP round trip per instance on a miss. While a task that just started rebuilds that index, a miss answers
 * 503 with Retry-After rather than 404.</li>
 * </ul>
 */
@ApplicationScoped
public class SignalStatusQuery {

    private final InteractiveQueries queries;
    private final QueryForwarder forwarder;
    private final QueryConfig config;

    @Inject
    public SignalStatusQuery(InteractiveQueries queries, QueryForwarder forwarder, QueryConfig config) {
        this.queries = queries;
        this.forwarder = forwarder;
        this.config = config;
    }

    /** The path of one signal's status under its subject, as the 202 of an ingest names it. */
    public static String location(String subjectId, String signalId) {
        return "/v1/subjects/" + URLEncoder.encode(subjectId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/signals/" + signalId;
    }

    /** The signal's status, read on the instance owning its subject. */
    public Response bySubject(String subjectId, String signalId, UriInfo uri, HttpHeaders headers,
            Function<SignalPropagation, Object> render) {
        if (!isCanonicalUuid(signalId)) {
            return badSignalId(signalId);
        }
        QueryResult<SignalPropagation> result = queries.signalPropagation(subjectId, signalId);
        return forwarder.answer(result, entry -> ok(render.apply(entry)), notFound(signalId) + " for this subject",
                uri, headers, self());
    }

    /** The signal's status found by its id alone: on this instance, else on the one of the others that has it. */
    public Response bySignal(String signalId, UriInfo uri, HttpHeaders headers,
            Function<SignalPropagation, Object> render) {
        if (!isCanonicalUuid(signalId)) {
            return badSignalId(signalId);
        }
        QueryResult<SignalPropagation> local = queries.local(() -> {
            String subjectId = queries.<String>allLocal(StoreNames.SIGNAL_SUBJECTS).get(signalId);
            if (subjectId == null) {
                return null;
            }
            return PropagationLedger.read(queries.<SignalPropagation>allLocal(StoreNames.SIGNAL_PROPAGATION),
                    queries.<PropagationAnswers>allLocal(StoreNames.PROPAGATION_ANSWERS),
                    PropagationLedger.key(subjectId, signalId));
        });
        if (local instanceof QueryResult.Found<SignalPropagation> found) {
            return ok(render.apply(found.value()));
        }
        if (local instanceof QueryResult.Unavailable<SignalPropagation> unavailable) {
            return Responses.unavailable(unavailable.reason(), config.retryAfterSeconds());
        }
        Response indexing = whileIndexing(queries.local(() -> queries.<String>allLocal(StoreNames.SIGNAL_SUBJECTS)
                .get(PropagationLedger.REBUILDING)) instanceof QueryResult.Found<String>, signalId,
                config.retryAfterSeconds());
        if (indexing != null) {
            return indexing;
        }
        if (QueryForwarder.isForwarded(headers)) {
            // Asked by another instance: answer for this one only.
            return Responses.notFound(notFound(signalId));
        }
        String path = uri.getRequestUri().getRawPath()
                + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
        String unreachable = null;
        for (HostInfo host : queries.otherHosts(StoreNames.SIGNAL_PROPAGATION)) {
            HttpResponse<String> answer = forwarder.get(host.host(), host.port(), path, headers, self());
            if (answer == null || answer.statusCode() == 503) {
                unreachable = host.host() + ":" + host.port();
            } else if (answer.statusCode() != 404) {
                Response.ResponseBuilder out = Response.status(answer.statusCode()).entity(answer.body());
                answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(out::type);
                return out.build();
            }
        }
        if (unreachable != null) {
            return Responses.unavailable("instance " + unreachable + " could not be asked for the signal",
                    config.retryAfterSeconds());
        }
        return Responses.notFound(notFound(signalId));
    }

    /**
     * The answer for a signal id this instance's index does not hold while one of its tasks still rebuilds that index
     * after a start (it indexes its signals in steps, and this one may be among those not read yet): 503 with
     * Retry-After, naming the route that answers at once. Null when no rebuild runs.
     */
    static Response whileIndexing(boolean rebuilding, String signalId, int retryAfterSeconds) {
        if (!rebuilding) {
            return null;
        }
        return Responses.unavailable("this instance is still indexing its signals after a restart; the status by"
                + " subject (/v1/subjects/{subjectId}/signals/" + signalId + ") answers now", retryAfterSeconds);
    }

    private String self() {
        return queries.self().host() + ":" + queries.self().port();
    }

    private static Response ok(Object body) {
        return Response.ok(body).type(MediaType.APPLICATION_JSON).build();
    }

    private static String notFound(String signalId) {
        return "No decision recorded for signal " + signalId + ": unknown, still on its way (retry shortly after a"
                + " 202), rejected before its subject's task (see the dead-letter topic and the subject's proof"
                + " report), or purged after its retention";
    }

    private static Response badSignalId(String signalId) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "bad_request", "message", "signalId must be a UUID in its canonical"
                        + " form (8-4-4-4-12 hexadecimal digits), got '" + signalId + "'"))
                .build();
    }

    static boolean isCanonicalUuid(String value) {
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
