package dev.consentrelay.serde;

import java.util.List;

import org.apache.avro.Schema;

import dev.consentrelay.serde.RegisteredSchemas.Proposal;

/**
 * A schema registry held in memory, for unit and topology tests. It behaves like Confluent's registry with the
 * {@code BACKWARD} compatibility rule: global ids are assigned from 1, one id per distinct schema across all subjects,
 * and a schema is accepted under a subject only if it can read data written with the subject's latest schema. What it
 * holds is gone with the JVM: a run that keeps data uses {@link TopicSchemaRegistryClient} or a registry server.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final String name;
    private final RegisteredSchemas schemas = new RegisteredSchemas();

    /** An empty registry; {@code name} appears in error messages. */
    public InMemorySchemaRegistryClient(String name) {
        this.name = name;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Proposal proposal = schemas.propose(subject, schema);
        if (proposal.registration() != null) {
            schemas.apply(proposal.registration());
        }
        return proposal.id();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        return schemas.schemaById(id).orElseThrow(() -> SchemaRegistryErrors.schemaIdNotFound(id, name));
    }

    @Override
    public synchronized int idFor(String subject, Schema schema) {
        return schemas.requireIdUnder(subject, schema, name);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        return schemas.isCompatible(subject, schema);
    }

    /** Subjects with at least one version, for diagnostics and tests. */
    public synchronized List<String> subjects() {
        return schemas.subjects();
    }

    @Override
    public void close() {
        // Shared by name within the JVM: nothing to release.
    }

    @Override
    public String toString() {
        return "InMemorySchemaRegistryClient[" + name + "]";
    }
}
