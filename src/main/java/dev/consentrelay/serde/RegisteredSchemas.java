package dev.consentrelay.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The state of a schema registry: global ids, one per distinct schema across all subjects, and each subject's versions.
 * Schemas are identified by their canonical JSON ({@link Schema#toString()}), the identity Confluent's registry uses.
 * <p>
 * Registrations are applied in log order with a first-wins rule, so that any number of writers appending to one log
 * (see {@link TopicSchemaRegistryClient}) and any number of readers replaying it agree on every id: a registration is
 * ignored when its id already names another schema, when its schema already has another id, when its subject already
 * holds it, or when its version is not the subject's next one. Not thread-safe: callers synchronize.
 */
final class RegisteredSchemas {

    /** One accepted or proposed registration. */
    record Registration(String subject, int version, int id, Schema schema) {
    }

    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private int maxId;

    /** Applies a registration; true when it was accepted, false when an earlier one wins. */
    boolean apply(Registration registration) {
        String canonical = registration.schema().toString();
        Integer idOfSchema = idsByCanonical.get(canonical);
        if (idOfSchema != null && idOfSchema != registration.id()) {
            return false;
        }
        Schema schemaOfId = schemasById.get(registration.id());
        if (schemaOfId != null && !schemaOfId.toString().equals(canonical)) {
            return false;
        }
        List<Integer> versions = versionsBySubject.computeIfAbsent(registration.subject(), s -> new ArrayList<>());
        if (versions.contains(registration.id()) || registration.version() != versions.size() + 1) {
            return false;
        }
        idsByCanonical.put(canonical, registration.id());
        schemasById.put(registration.id(), registration.schema());
        versions.add(registration.id());
        maxId = Math.max(maxId, registration.id());
        return true;
    }

    /**
     * What registering {@code schema} under {@code subject} means now: the existing id when the subject holds it,
     * otherwise the registration to apply (the schema's global id if it has one, else the next free id).
     *
     * @throws SchemaRegistryException with HTTP status 409 when the schema cannot read the subject's latest version
     */
    Proposal propose(String subject, Schema schema) {
        Optional<Integer> existing = idUnder(subject, schema);
        if (existing.isPresent()) {
            return new Proposal(existing.get(), null);
        }
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (!versions.isEmpty()) {
            SchemaPairCompatibility result = backward(schema, latest(versions));
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                String detail = result.getDescription();
                throw new SchemaRegistryException("Schema for subject '" + subject + "' is incompatible with the latest"
                        + " registered version: " + detail,
                        SchemaRegistryException.INCOMPATIBLE,
                        SchemaRegistryException.INCOMPATIBLE, detail);
            }
        }
        int id = idsByCanonical.getOrDefault(schema.toString(), maxId + 1);
        return new Proposal(id, new Registration(subject, versions.size() + 1, id, schema));
    }

    /** The id {@code subject} holds {@code schema} under, if it does. */
    Optional<Integer> idUnder(String subject, Schema schema) {
        Integer id = idsByCanonical.get(schema.toString());
        List<Integer> versions = versionsBySubject.get(subject);
        return id != null && versions != null && versions.contains(id) ? Optional.of(id) : Optional.empty();
    }

    /**
     * The id {@code subject} holds {@code schema} under.
     *
     * @throws SchemaRegistryException 40401 when the subject is unknown, 40403 when it does not hold the schema
     */
    int requireIdUnder(String subject, Schema schema, String registryName) {
        if (!hasSubject(subject)) {
            throw SchemaRegistryErrors.subjectNotFound(subject, registryName);
        }
        return idUnder(subject, schema)
                .orElseThrow(() -> SchemaRegistryErrors.schemaNotUnderSubject(schema, subject, registryName));
    }

    Optional<Schema> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    boolean hasSubject(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        return versions != null && !versions.isEmpty();
    }

    /** Whether {@code schema} may be registered under {@code subject} (BACKWARD against the latest version). */
    boolean isCompatible(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            return true;
        }
        return backward(schema, latest(versions)).getType() == SchemaCompatibilityType.COMPATIBLE;
    }

    /** Subjects with at least one version, sorted. */
    List<String> subjects() {
        return versionsBySubject.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The ids of a subject's versions, oldest first (empty when the subject is unknown). */
    List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    private Schema latest(List<Integer> versions) {
        return schemasById.get(versions.get(versions.size() - 1));
    }

    /** BACKWARD: the new schema, as reader, can read what the latest schema wrote. */
    private static SchemaPairCompatibility backward(Schema candidate, Schema latest) {
        return SchemaCompatibility.checkReaderWriterCompatibility(candidate, latest);
    }

    /** The outcome of {@link #propose}: an id, and the registration to make unless the subject already holds it. */
    record Proposal(int id, Registration registration) {
    }
}
