package dev.consentrelay.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.consentrelay.domain.Permission;
import dev.consentrelay.domain.PurposeChoice;
import dev.consentrelay.domain.SubjectConsent;
import dev.consentrelay.domain.SubjectIdentifier;

/**
 * A subject's consent as the API shows it: the recorded state and the effective permission of every purpose in the
 * subject's region.
 */
public record ConsentView(String subjectId, String region, String updatedAt, @Schema(nullable = true) String erasedAt,
        Gpc gpc,
        @Schema(type = SchemaType.ARRAY, implementation = ListedIdentifier.class) List<SubjectIdentifier> identifiers,
        List<PurposeView> purposes, String evaluatedAt) {

    /** Global Privacy Control state. */
    public record Gpc(boolean active, @Schema(nullable = true) String firstSeenAt,
            @Schema(nullable = true) String lastSeenAt) {
    }

    /** One purpose: effective permission, and the recorded choice behind it when there is one. */
    public record PurposeView(String purpose, boolean allowed, String model, String status, String rule, String since,
            String source, String method, String policyVersion, String signalId,
            @Schema(nullable = true) String expiresAt) {
    }

    /**
     * A listed identifier as the OpenAPI document shows it: the fields of {@link SubjectIdentifier}, under the schema
     * name that clients generated from the document know.
     */
    @Schema(name = "Identifier1")
    record ListedIdentifier(String type, String value) {
    }

    static ConsentView of(SubjectConsent state, Map<String, Permission> permissions, java.time.Instant now) {
        List<PurposeView> purposes = new ArrayList<>();
        permissions.forEach((purpose, p) -> {
            PurposeChoice c = state.purposes().get(purpose);
            purposes.add(new PurposeView(purpose, p.allowed(), text(p.model()), text(p.status()), p.rule(),
                    c == null ? null : text(c.since()), c == null ? null : text(c.source()),
                    c == null ? null : c.method(), c == null ? null : c.policyVersion(),
                    c == null ? null : c.signalId(), c == null ? null : text(c.expiresAt())));
        });
        Gpc gpc = state.gpc() == null
                ? null
                : new Gpc(state.gpc().active(), text(state.gpc().firstSeenAt()), text(state.gpc().lastSeenAt()));
        return new ConsentView(state.subjectId(), state.region(), text(state.updatedAt()), text(state.erasedAt()), gpc,
                state.identifiers(), purposes, now.toString());
    }

    static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
