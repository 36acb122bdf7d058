package dev.consentrelay.serde;

import org.apache.avro.Schema;

/** The not-found errors of the registries kept in this process, worded as Confluent's registry words them. */
final class SchemaRegistryErrors {

    private SchemaRegistryErrors() {
    }

    static SchemaRegistryException schemaIdNotFound(int id, String registry) {
        return new SchemaRegistryException(
                "Schema id " + id + " is not registered in the schema registry at " + registry,
                404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    static SchemaRegistryException subjectNotFound(String subject, String registry) {
        return new SchemaRegistryException(
                "Subject '" + subject + "' is not registered in the schema registry at " + registry, 404,
                SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static SchemaRegistryException schemaNotUnderSubject(Schema schema, String subject, String registry) {
        return new SchemaRegistryException("Schema " + schema.getFullName() + " is not registered under subject '"
                + subject + "' in the schema registry at " + registry, 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                "Schema not found");
    }
}
