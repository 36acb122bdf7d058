package dev.consentrelay.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.consentrelay.domain.Vendor;
import dev.consentrelay.domain.VendorSpec;

/** A vendor as the admin API shows and accepts it: the fields of a vendors-file entry. */
public record VendorView(String id, String name, String kind, @Schema(nullable = true) String parent,
        List<String> purposes,
        List<String> regions, List<String> actions, List<String> identifiers, String sla, boolean enabled) {

    static VendorView of(Vendor v) {
        return new VendorView(v.vendorId(), v.name(), v.kind() == null ? null : v.kind().name(), v.parentVendorId(),
                List.copyOf(v.purposes()), List.copyOf(v.regions()),
                v.actions().stream().map(Enum::name).sorted().toList(), List.copyOf(v.identifierTypes()),
                v.sla().toString(), v.enabled());
    }

    /** The body of {@code PUT /v1/vendors/{vendorId}}; absent fields take the vendors file's defaults. */
    public record Body(String id, String name, String kind, @Schema(nullable = true) String parent,
            List<String> purposes,
            List<String> regions, List<String> actions, List<String> identifiers, String sla, Boolean enabled) {

        VendorSpec toSpec() {
            return new VendorSpec(id, name, kind, parent, purposes, regions, actions, identifiers, sla, enabled);
        }
    }
}
