package dev.consentrelay.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.OidcProviderResource;
import dev.consentrelay.testing.TestOidcProvider;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;

/**
 * OIDC bearer tokens (quarkus-oidc) beside API keys, against a real (test) provider's discovery document and JWKS:
 * signature, issuer, expiry and audience decide 401; the roles claim, through the explicit mapping only, decides 403.
 */
@QuarkusTest
@TestProfile(OidcBearerTokenIT.OidcOn.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class OidcBearerTokenIT {

    private static final String READ_PATH = "/v1/signals/" + UUID.randomUUID() + "/propagation";
    private static final String INGEST_PATH = "/v1/signals";
    /** Provider groups mapped onto read and admin by {@link OidcProviderResource}. */
    private static final String ANALYSTS = "privacy-analysts";
    private static final String ADMINS = "privacy-admins";

    /** The service with OIDC configured against {@link TestOidcProvider}. */
    public static class OidcOn implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcProviderResource.class));
        }
    }

    private final TestOidcProvider provider = TestOidcProvider.get();

    @Test
    void readTokenReadsButMayNotIngest() {
        String token = token(TestOidcProvider.claims(provider.issuer(), "analyst", ANALYSTS));

        // Past authentication and the role check: the resource answers (404 unknown signal, 503 while not queryable).
        bearer(token).get(READ_PATH).then().statusCode(anyOf(is(404), is(503)));
        bearer(token).contentType("application/json").body("{}").post(INGEST_PATH).then().statusCode(403);
    }

    @Test
    void adminTokenMayIngest() {
        String token = token(TestOidcProvider.claims(provider.issuer(), "privacy-admin", ADMINS));

        // 400: past authentication and the role check, refused by validation.
        bearer(token).contentType("application/json").body("{}").post(INGEST_PATH).then().statusCode(400);
    }

    @Test
    void expiredTokenIsUnauthorized() {
        JwtClaims claims = TestOidcProvider.claims(provider.issuer(), "analyst", ANALYSTS);
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(300).getEpochSecond()));

        bearer(token(claims)).get(READ_PATH).then().statusCode(401);
    }

    @Test
    void tokenFromAnotherIssuerIsUnauthorized() {
        bearer(token(TestOidcProvider.claims("https://evil.example.com/realms/test", "analyst", ANALYSTS)))
                .get(READ_PATH).then().statusCode(401);
    }

    @Test
    void tokenForAnotherAudienceIsUnauthorized() {
        JwtClaims claims = TestOidcProvider.claims(provider.issuer(), "analyst", ANALYSTS);
        claims.setAudience("another-service");

        bearer(token(claims)).get(READ_PATH).then().statusCode(401);
    }

    @Test
    void tokenSignedByAnotherKeyIsUnauthorized() {
        JwtClaims claims = TestOidcProvider.claims(provider.issuer(), "analyst", ANALYSTS);
        RsaJsonWebKey impostorSameKid = TestOidcProvider.newKey(TestOidcProvider.KEY_ID);
        RsaJsonWebKey impostorUnknownKid = TestOidcProvider.newKey("unknown-key");

        bearer(TestOidcProvider.sign(impostorSameKid, claims)).get(READ_PATH).then().statusCode(401);
        bearer(TestOidcProvider.sign(impostorUnknownKid, claims)).get(READ_PATH).then().statusCode(401);
    }

    @Test
    void anUnsignedTokenIsUnauthorized() throws Exception {
        JwtClaims claims = TestOidcProvider.claims(provider.issuer(), "analyst", ADMINS);
        org.jose4j.jws.JsonWebSignature unsigned = new org.jose4j.jws.JsonWebSignature();
        unsigned.setPayload(claims.toJson());
        unsigned.setAlgorithmHeaderValue(org.jose4j.jws.AlgorithmIdentifiers.NONE);
        unsigned.setKeyIdHeaderValue(TestOidcProvider.KEY_ID);
        unsigned.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);

        bearer(unsigned.getCompactSerialization()).get(READ_PATH).then().statusCode(401);
    }

    @Test
    void aGroupWithoutAMappingGrantsNothingEvenWhenItIsNamedLikeARole() {
        JwtClaims claims = TestOidcProvider.claims(provider.issuer(), "analyst", "superuser", ApiKeys.ADMIN,
                ApiKeys.READ, ApiKeys.INGEST);

        bearer(token(claims)).get(READ_PATH).then().statusCode(403);
        bearer(token(claims)).contentType("application/json").body("{}").post(INGEST_PATH).then().statusCode(403);
    }

    @Test
    void apiKeysStillWork() {
        given().header("X-API-Key", "test-read-key").get(READ_PATH).then().statusCode(anyOf(is(404), is(503)));
        given().header("X-API-Key", "test-ingest-key").get(READ_PATH).then().statusCode(403);
        given().header("X-API-Key", "not-a-key").get(READ_PATH).then().statusCode(401);
        // Authorization: Bearer belongs to OIDC: an API key there is an opaque token the provider never issued.
        given().header("Authorization", "Bearer test-read-key").get(READ_PATH).then().statusCode(401);
        given().get(READ_PATH).then().statusCode(401);
    }

    private String token(JwtClaims claims) {
        return TestOidcProvider.sign(provider.key(), claims);
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

}
