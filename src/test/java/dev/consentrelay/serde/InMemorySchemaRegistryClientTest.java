package dev.consentrelay.serde;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.VendorRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemorySchemaRegistryClientTest {

    private static final Schema V1 = parse("""
            {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"int"}]}""");
    private static final Schema V2_OPTIONAL = parse("""
            {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"int"},
             {"name":"b","type":["null","string"],"default":null}]}""");
    private static final Schema V2_REQUIRED = parse("""
            {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"int"},
             {"name":"b","type":"string"}]}""");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("mem://unit");

    @Test
    void shouldAssignIdsFromOneAndReuseThemForTheSameSchema() {
        int first = registry.register("a-value", ConsentSignal.getClassSchema());
        int second = registry.register("b-value", VendorRecord.getClassSchema());

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(registry.register("a-value", ConsentSignal.getClassSchema())).isEqualTo(1);
        assertThat(registry.register("a-value", parse(ConsentSignal.getClassSchema().toString(true))))
                .as("same schema, other formatting").isEqualTo(1);
        assertThat(registry.register("c-value", ConsentSignal.getClassSchema())).as("same schema, other subject")
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseIncompatibleSchemaWith409() {
        registry.register("thing-value", V1);

        assertThatThrownBy(() -> registry.register("thing-value", V2_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageStartingWith(
                        "Schema for subject 'thing-value' is incompatible with the latest registered version: ");
        assertThat(registry.isCompatible("thing-value", V2_REQUIRED)).isFalse();
    }

    @Test
    void shouldAcceptBackwardCompatibleEvolutionUnderANewId() {
        int v1 = registry.register("thing-value", V1);

        assertThat(registry.isCompatible("thing-value", V2_OPTIONAL)).isTrue();
        assertThat(registry.register("thing-value", V2_OPTIONAL)).isEqualTo(v1 + 1);
    }

    @Test
    void shouldTreatUnknownSubjectAsCompatible() {
        assertThat(registry.isCompatible("nothing-value", V2_REQUIRED)).isTrue();
    }

    @Test
    void shouldReport40403ForUnknownId() {
        assertThatThrownBy(() -> registry.schemaById(42))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
                .hasMessage("Schema id 42 is not registered in the schema registry at mem://unit");
    }

    @Test
    void shouldLookUpIdsWithoutRegistering() {
        assertThatThrownBy(() -> registry.idFor("thing-value", V1)).isInstanceOfSatisfying(
                SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));

        int id = registry.register("thing-value", V1);

        assertThat(registry.idFor("thing-value", V1)).isEqualTo(id);
        assertThatThrownBy(() -> registry.idFor("thing-value", V2_OPTIONAL)).isInstanceOfSatisfying(
                SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void shouldShareNamedInMemoryRegistryThroughTheFactory() {
        try {
            SchemaRegistryClient one = SchemaRegistryClients.create(SchemaRegistryConfig.of("mem://shared-test"));
            SchemaRegistryClient two = SchemaRegistryClients.create(SchemaRegistryConfig.of("mem://shared-test"));

            assertThat(one).isSameAs(two).isInstanceOf(InMemorySchemaRegistryClient.class);
            assertThat(SchemaRegistryClients.create(SchemaRegistryConfig.of("http://127.0.0.1:1")))
                    .isInstanceOf(HttpSchemaRegistryClient.class);
        } finally {
            SchemaRegistryClients.dropInMemory("shared-test");
        }
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
