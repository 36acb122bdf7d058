package dev.consentrelay.serde;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import dev.consentrelay.serde.RegisteredSchemas.Registration;

import static org.assertj.core.api.Assertions.assertThat;

/** The first-wins rule that lets several writers share one schema log and agree on every id. */
class RegisteredSchemasTest {

    private static final Schema A = record("A");
    private static final Schema B = record("B");

    private final RegisteredSchemas schemas = new RegisteredSchemas();

    @Test
    void shouldIgnoreALaterRegistrationThatClaimsAnIdAlreadyTaken() {
        assertThat(schemas.apply(new Registration("x-value", 1, 1, A))).isTrue();

        assertThat(schemas.apply(new Registration("y-value", 1, 1, B))).as("id 1 names A").isFalse();

        assertThat(schemas.schemaById(1)).contains(A);
        assertThat(schemas.hasSubject("y-value")).isFalse();
        assertThat(schemas.propose("y-value", B).id()).as("the loser's next proposal").isEqualTo(2);
    }

    @Test
    void shouldIgnoreASecondIdForASchemaThatAlreadyHasOne() {
        schemas.apply(new Registration("x-value", 1, 1, A));

        assertThat(schemas.apply(new Registration("y-value", 1, 7, A))).isFalse();

        assertThat(schemas.schemaById(7)).isEmpty();
        assertThat(schemas.propose("y-value", A).id()).as("a schema keeps its global id across subjects")
                .isEqualTo(1);
    }

    @Test
    void shouldIgnoreARegistrationThatLostTheRaceForAVersion() {
        schemas.apply(new Registration("x-value", 1, 1, A));

        assertThat(schemas.apply(new Registration("x-value", 1, 2, B))).as("version 1 of x is taken").isFalse();
        assertThat(schemas.apply(new Registration("x-value", 2, 2, B))).isTrue();

        assertThat(schemas.versions("x-value")).containsExactly(1, 2);
    }

    @Test
    void shouldTreatTheSameRegistrationTwiceAsOne() {
        Registration registration = new Registration("x-value", 1, 1, A);
        schemas.apply(registration);

        assertThat(schemas.apply(registration)).isFalse();
        assertThat(schemas.versions("x-value")).containsExactly(1);
        assertThat(schemas.propose("x-value", A).registration()).as("nothing left to register").isNull();
    }

    private static Schema record(String name) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"" + name
                + "\",\"namespace\":\"t\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}");
    }
}
