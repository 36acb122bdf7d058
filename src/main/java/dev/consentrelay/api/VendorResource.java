package dev.consentrelay.api;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import dev.consentrelay.config.QueryConfig;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.topology.BackfillJob;
import dev.consentrelay.topology.StoreNames;
import dev.consentrelay.topology.VendorDirectory;

/**
 * Vendor administration: list, create or replace, disable; and the progress of a vendor's backfill. Reading needs the
 * {@code read} role, writing the {@code admin} role.
 */
@Path("/v1/vendors")
@Produces(MediaType.APPLICATION_JSON)
public class VendorResource {

    private static final Logger LOG = Logger.getLogger(VendorResource.class);
    /** The backfill runs in the tasks that read the signals repartition topic. */
    private static final String BACKFILL_SOURCE = "signals-by-subject-repartition";

    @Inject
    VendorDirectory vendors;

    @Inject
    VendorPublisher publisher;

    @Inject
    Policy policy;

    @Inject
    InteractiveQueries queries;

    @Inject
    QueryForwarder forwarder;

    @Inject
    QueryConfig config;

    @Inject
    ObjectMapper json;

    @Context
    HttpHeaders headers;

    /** Every vendor and sub-processor, enabled or not, as the fan-out sees them now. */
    @RolesAllowed("read")
    @GET
    public List<VendorView> list() {
        return vendors.all().stream().map(VendorView::of).toList();
    }

    /** Creates or replaces a vendor; the body has the fields of a vendors-file entry. */
    @RolesAllowed("admin")
    @PUT
    @Path("{vendorId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("vendorId") String vendorId, VendorView.Body body) {
        if (body == null) {
            return badRequest(List.of("body: a vendor as JSON is required"));
        }
        List<String> problems = new ArrayList<>(body.toSpec().problems("", policy));
        if (body.id() != null && !body.id().equals(vendorId)) {
            problems.add("id: '" + body.id() + "' does not match the path's vendor id '" + vendorId + "'");
        }
        if (!problems.isEmpty()) {
            return badRequest(problems);
        }
        Vendor vendor = body.toSpec().toVendor();
        boolean created = find(vendorId).isEmpty();
        publisher.publish(List.of(vendor), "PUT /v1/vendors/" + vendorId);
        LOG.infof("Vendor %s %s through the admin API", vendorId, created ? "created" : "replaced");
        return Response.status(created ? Response.Status.CREATED : Response.Status.OK).entity(VendorView.of(vendor))
                .build();
    }

    /** Disables a vendor: it stays on record and receives nothing more. */
    @RolesAllowed("admin")
    @DELETE
    @Path("{vendorId}")
    public Response disable(@PathParam("vendorId") String vendorId) {
        Optional<Vendor> found = find(vendorId);
        if (found.isEmpty()) {
            return Responses.notFound("No vendor " + vendorId);
        }
        Vendor v = found.get();
        Vendor disabled = new Vendor(v.vendorId(), v.name(), v.kind(), v.parentVendorId(), v.purposes(), v.regions(),
                v.actions(), v.identifierTypes(), v.sla(), false);
        publisher.publish(List.of(disabled), "DELETE /v1/vendors/" + vendorId);
        LOG.infof("Vendor %s disabled through the admin API", vendorId);
        return Response.ok(VendorView.of(disabled)).build();
    }

    /**
     * The vendor's backfill in every task of every instance: per task what it scanned and issued, and the totals.
     * A forwarded request answers for this instance's tasks only.
     */
    @RolesAllowed("read")
    @GET
    @Path("{vendorId}/backfill")
    public Response backfill(@PathParam("vendorId") String vendorId) {
        QueryResult<List<BackfillStatus.Task>> local = queries.<String, BackfillStatus.Task>eachLocalPartition(
                StoreNames.VENDOR_BACKFILL, BACKFILL_SOURCE, store -> {
                    String encoded = store.get(BackfillJob.key(vendorId));
                    return encoded == null
                            ? null
                            : BackfillStatus.Task.of(BackfillJob.decode(encoded),
                                    queries.self().host() + ":" + queries.self().port());
                });
        if (local instanceof QueryResult.Unavailable<List<BackfillStatus.Task>> unavailable) {
            return Responses.unavailable(unavailable.reason(), config.retryAfterSeconds());
        }
        List<BackfillStatus.Task> tasks = new ArrayList<>(((QueryResult.Found<List<BackfillStatus.Task>>) local)
                .value());
        if (QueryForwarder.isForwarded(headers)) {
            return Response.ok(tasks).build();
        }
        String self = queries.self().host() + ":" + queries.self().port();
        for (var host : queries.otherHosts(StoreNames.VENDOR_BACKFILL)) {
            HttpResponse<String> answer = forwarder.get(host.host(), host.port(),
                    "/v1/vendors/" + vendorId + "/backfill", headers, self);
            if (answer == null || answer.statusCode() != 200) {
                return Responses.unavailable("instance " + host.host() + ":" + host.port()
                        + " did not report its backfill tasks", config.retryAfterSeconds());
            }
            try {
                tasks.addAll(json.readValue(answer.body(), new TypeReference<List<BackfillStatus.Task>>() {
                }));
            } catch (java.io.IOException e) {
                return Responses.unavailable("unreadable answer from " + host, config.retryAfterSeconds());
            }
        }
        if (tasks.isEmpty()) {
            return find(vendorId).isEmpty()
                    ? Responses.notFound("No vendor " + vendorId)
                    : Responses.notFound("No backfill has run for vendor " + vendorId);
        }
        return Response.ok(BackfillStatus.of(vendorId, tasks)).build();
    }

    private Optional<Vendor> find(String vendorId) {
        return vendors.all().stream().filter(v -> v.vendorId().equals(vendorId)).findFirst();
    }

    private static Response badRequest(List<String> problems) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "invalid_vendor", "problems", problems)).build();
    }
}
