package dev.consentrelay.api;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
@Tag(name = "Vendors", description = "Vendor administration and backfill")
@Produces(MediaType.APPLICATION_JSON)
public class VendorResource {

    private static final Logger LOG = Logger.getLogger(VendorResource.class);
    /** The backfill runs in the tasks that read the signals repartition topic. */
    private static final String BACKFILL_SOURCE = "signals-by-subject-repartition";

    private final VendorDirectory vendors;
    private final VendorPublisher publisher;
    private final Policy policy;
    private final InteractiveQueries queries;
    private final QueryForwarder forwarder;
    private final QueryConfig config;
    private final ObjectMapper json;

    @Context
    HttpHeaders headers;

    @Inject
    public VendorResource(VendorDirectory vendors, VendorPublisher publisher, Policy policy, InteractiveQueries queries,
            QueryForwarder forwarder, QueryConfig config, ObjectMapper json) {
        this.vendors = vendors;
        this.publisher = publisher;
        this.policy = policy;
        this.queries = queries;
        this.forwarder = forwarder;
        this.config = config;
        this.json = json;
    }

    /** Every vendor and sub-processor, enabled or not, as the fan-out sees them now. */
    @Operation(operationId = "listVendors", summary = "Every vendor and sub-processor, enabled or not")
    @APIResponse(responseCode = "200", description = "The vendors",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = VendorView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.VENDORS)))
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
    @RolesAllowed("read")
    @GET
    public List<VendorView> list() {
        return vendors.all().stream().map(VendorView::of).toList();
    }

    /** Creates or replaces a vendor; the body has the fields of a vendors-file entry. */
    @Operation(operationId = "putVendor",
            summary = "Create or replace a vendor (the fields of a vendors-file entry); a new vendor or purpose is"
                    + " backfilled")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VendorView.class),
                    examples = @ExampleObject(name = "created", value = ApiExamples.VENDOR)))
    @APIResponse(responseCode = "200", description = "Replaced",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VendorView.class),
                    examples = @ExampleObject(name = "replaced", value = ApiExamples.VENDOR)))
    @APIResponse(responseCode = "400", description = "Every problem with the body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.VendorProblems.class),
                    examples = @ExampleObject(name = "invalid", value = ApiExamples.VENDOR_PROBLEMS)))
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
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
    @Operation(operationId = "disableVendor",
            summary = "Disable a vendor: it stays on record and receives nothing more")
    @APIResponse(responseCode = "200", description = "The disabled vendor",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VendorView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.VENDOR)))
    @APIResponse(responseCode = "404", description = "No such vendor")
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
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
    @Operation(operationId = "vendorBackfill", summary = "A vendor's backfill in every task of every instance")
    @APIResponse(responseCode = "200",
            description = "Per task and in total: subjects scanned, suppressions issued, done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = BackfillStatus.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.BACKFILL)))
    @APIResponse(responseCode = "404", description = "No such vendor, or no backfill has run")
    @APIResponse(responseCode = "503", description = "Stores rebalancing or restoring: retry after Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiContract.Problem.class),
                    examples = @ExampleObject(name = "unavailable", value = ApiExamples.UNAVAILABLE)))
    @APIResponse(responseCode = "401", description = "No or unknown credentials")
    @APIResponse(responseCode = "403", description = "The caller lacks the role")
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
                .entity(new ApiContract.VendorProblems("invalid_vendor", problems)).build();
    }
}
