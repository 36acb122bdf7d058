package dev.consentrelay.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Violation;

/**
 * Reads a signal from the JSON of the ingest API and reports every JSON-level problem by field. Unknown fields are
 * refused rather than ignored: a misspelt {@code purposes} would otherwise turn a refusal of one purpose into a
 * refusal of all of them.
 */
public final class SignalJson {

    /** The fields of a signal on the ingest API; {@code receivedAt} is set by the server. */
    public static final Set<String> FIELDS = Set.of("signalId", "subjectId", "identifiers", "kind", "purposes",
            "region", "source", "method", "policyVersion", "occurredAt", "erase", "linkedSubjectId");

    private SignalJson() {
    }

    /**
     * @param node
     *            the JSON object of one signal
     * @param receivedAt
     *            when the server received it
     * @param defaultSource
     *            the source when the JSON names none
     */
    public static ParsedSignal parse(JsonNode node, Instant receivedAt, Signal.Source defaultSource) {
        List<Violation> violations = new ArrayList<>();
        if (node == null || !node.isObject()) {
            violations.add(new Violation("body", "a signal is a JSON object with the fields " + sorted(FIELDS)));
            return new ParsedSignal(null, violations);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(name, "unknown field '" + name + "'; the fields of a signal are "
                        + sorted(FIELDS) + ("receivedAt".equals(name) ? " (receivedAt is set by the server)" : "")));
            }
        }
        String signalId = text(node, "signalId", violations);
        String subjectId = text(node, "subjectId", violations);
        List<SubjectIdentifier> identifiers = identifiers(node.get("identifiers"), violations);
        Signal.Kind kind = enumValue(node, "kind", Signal.Kind.class, violations);
        Set<String> purposes = purposes(node.get("purposes"), violations);
        String region = text(node, "region", violations);
        Signal.Source source = enumValue(node, "source", Signal.Source.class, violations);
        String method = text(node, "method", violations);
        String policyVersion = text(node, "policyVersion", violations);
        Instant occurredAt = instant(node, "occurredAt", violations);
        boolean erase = bool(node, "erase", violations);
        String linkedSubjectId = text(node, "linkedSubjectId", violations);
        if (source == null && isAbsent(node.get("source"))) {
            source = defaultSource;
        }
        return new ParsedSignal(new Signal(signalId, subjectId, identifiers, kind, purposes, region, source,
                method, policyVersion, occurredAt, receivedAt, erase, linkedSubjectId), violations);
    }

    /** A text field; {@code null} when absent, and a violation when it is not a string. */
    static String text(JsonNode node, String field, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (isAbsent(value)) {
            return null;
        }
        if (!value.isTextual()) {
            violations.add(new Violation(field, field + " must be a string, not " + describe(value)));
            return null;
        }
        return value.asText();
    }

    static Instant instant(JsonNode node, String field, List<Violation> violations) {
        String value = text(node, field, violations);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            violations.add(new Violation(field, field + " '" + value
                    + "' is not an ISO-8601 timestamp with an offset, e.g. 2026-11-05T14:03:00Z"));
            return null;
        }
    }

    static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type,
            List<Violation> violations) {
        String value = text(node, field, violations);
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            violations.add(new Violation(field, field + " '" + value + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))));
            return null;
        }
    }

    private static boolean bool(JsonNode node, String field, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (isAbsent(value)) {
            return false;
        }
        if (!value.isBoolean()) {
            violations.add(new Violation(field, field + " must be true or false, not " + describe(value)));
            return false;
        }
        return value.booleanValue();
    }

    private static Set<String> purposes(JsonNode value, List<Violation> violations) {
        Set<String> purposes = new LinkedHashSet<>();
        if (isAbsent(value)) {
            return purposes;
        }
        if (!value.isArray()) {
            violations.add(new Violation("purposes", "purposes must be an array of purpose names, not "
                    + describe(value)));
            return purposes;
        }
        for (JsonNode purpose : value) {
            if (!purpose.isTextual() || purpose.asText().isBlank()) {
                violations.add(new Violation("purposes", "every purpose must be a non-empty string, not "
                        + describe(purpose)));
                return Set.of();
            }
            purposes.add(purpose.asText().trim());
        }
        return purposes;
    }

    static List<SubjectIdentifier> identifiers(JsonNode value, List<Violation> violations) {
        List<SubjectIdentifier> identifiers = new ArrayList<>();
        if (isAbsent(value)) {
            return identifiers;
        }
        if (!value.isArray()) {
            violations.add(new Violation("identifiers", "identifiers must be an array of {\"type\", \"value\"}"
                    + " objects, not " + describe(value)));
            return identifiers;
        }
        int index = 0;
        for (JsonNode identifier : value) {
            String field = "identifiers[" + index++ + "]";
            JsonNode type = identifier.get("type");
            JsonNode text = identifier.get("value");
            if (!identifier.isObject() || type == null || !type.isTextual() || type.asText().isBlank()
                    || text == null || !text.isTextual() || text.asText().isBlank() || identifier.size() != 2) {
                violations.add(new Violation(field, "an identifier is {\"type\": \"email_sha256\", \"value\": \"...\"}"
                        + " with a non-empty type and value and nothing else"));
                continue;
            }
            identifiers.add(new SubjectIdentifier(type.asText().trim(), text.asText().trim()));
        }
        return identifiers;
    }

    static boolean isAbsent(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    private static String describe(JsonNode value) {
        return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(value.toString());
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    static String sorted(Set<String> fields) {
        return fields.stream().sorted().collect(Collectors.joining(", "));
    }
}
