package dev.consentrelay.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A schema registry held in memory, for local runs and tests. It behaves like Confluent's registry with the
 * {@code BACKWARD} compatibility rule: global ids are assigned from 1, one id per distinct schema across all subjects,
 * and a schema is accepted under a subject only if it can read data written with the subject's latest schema.
 * <p>
 * Schemas are identified by their canonical JSON ({@link Schema#toString()}: independent of whitespace and key order
 * in the source text, but keeping defaults, logical types and properties that change how data is read), the identity
 * Confluent's registry uses too.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final String name;
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private int nextId = 1;

    /** An empty registry; {@code name} appears in error messages. */
    public InMemorySchemaRegistryClient(String name) {
        this.name = name;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        Integer existing = idsByCanonical.get(canonical);
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        if (!versions.isEmpty()) {
            SchemaPairCompatibility result = backward(schema, latest(versions));
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                String detail = result.getDescription();
                throw new SchemaRegistryException("Schema for subject '" + subject
                        + "' is incompatible with the latest registered version: " + detail,
                        SchemaRegistryException.INCOMPATIBLE, SchemaRegistryException.INCOMPATIBLE, detail);
            }
        }
        int id;
        if (existing != null) {
            id = existing;
        } else {
            id = nextId++;
            idsByCanonical.put(canonical, id);
            schemasById.put(id, schema);
        }
        versions.add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            String detail = "Schema " + id + " not found";
            throw new SchemaRegistryException(
                    "Schema id " + id + " is not registered in the schema registry at " + name, 404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND, detail);
        }
        return schema;
    }

    @Override
    public synchronized int idFor(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(
                    "Subject '" + subject + "' is not registered in the schema registry at " + name, 404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        Integer id = idsByCanonical.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException("Schema " + schema.getFullName() + " is not registered under subject '"
                    + subject + "' in the schema registry at " + name, 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema not found");
        }
        return id;
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            return true;
        }
        return backward(schema, latest(versions)).getType() == SchemaCompatibilityType.COMPATIBLE;
    }

    /** Subjects with at least one version, for diagnostics and tests. */
    public synchronized List<String> subjects() {
        return versionsBySubject.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                .sorted().toList();
    }

    @Override
    public void close() {
        // Shared by name within the JVM: nothing to release.
    }

    @Override
    public String toString() {
        return "InMemorySchemaRegistryClient[" + name + "]";
    }

    private Schema latest(List<Integer> versions) {
        return schemasById.get(versions.get(versions.size() - 1));
    }

    /** BACKWARD: the new schema, as reader, can read what the latest schema wrote. */
    private static SchemaPairCompatibility backward(Schema candidate, Schema latest) {
        return SchemaCompatibility.checkReaderWriterCompatibility(candidate, latest);
    }
}
