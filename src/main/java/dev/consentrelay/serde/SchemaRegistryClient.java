package dev.consentrelay.serde;

import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API the serdes need. Implementations are thread-safe and may be shared
 * by every serializer and deserializer of a process.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject}, or finds it if it is already registered there.
     *
     * @return the global schema id; registering the same schema again returns the same id
     * @throws SchemaRegistryException with HTTP status 409 when the registry refuses an incompatible schema
     */
    int register(String subject, Schema schema);

    /**
     * The schema with the given global id.
     *
     * @throws SchemaRegistryException with error code 40403 when no schema has that id
     */
    Schema schemaById(int id);

    /**
     * The global id of {@code schema} under {@code subject}, without registering it.
     *
     * @throws SchemaRegistryException with error code 40401 (no such subject) or 40403 (schema not under subject)
     */
    int idFor(String subject, Schema schema);

    /**
     * Whether {@code schema} may be registered under {@code subject} by the subject's compatibility rule, checked
     * against the latest version. True when the subject does not exist yet.
     */
    boolean isCompatible(String subject, Schema schema);

    /** Releases connections and caches; never throws. */
    @Override
    void close();
}
