package dev.consentrelay.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

import dev.consentrelay.config.ApiConfig;

/**
 * Verifies OIDC access tokens (JWTs): signature against the provider's JWKS (keys cached, fetched again when a token
 * names an unknown key id), issuer, expiry and, when configured, audience; the caller's roles come from the
 * configured claim. Off unless {@code consent-relay.api.oidc.jwks-url} is set. Tokens are never logged.
 */
@Startup
@Singleton
public class OidcTokens {

    private static final Logger LOG = Logger.getLogger(OidcTokens.class);
    private static final String[] SIGNATURE_ALGORITHMS = {AlgorithmIdentifiers.RSA_USING_SHA256,
            AlgorithmIdentifiers.RSA_USING_SHA384, AlgorithmIdentifiers.RSA_USING_SHA512,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA256, AlgorithmIdentifiers.RSA_PSS_USING_SHA384,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA512, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
            AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512};

    private final JwtConsumer consumer;
    private final String rolesClaim;
    private final Map<String, List<String>> roleMapping;

    @Inject
    public OidcTokens(ApiConfig config) {
        this(config.oidc(), config.oidc().jwksUrl().map(url -> jwks(url, config.oidc())).orElse(null));
    }

    /** With the keys from {@code keys}, or off when {@code keys} is {@code null}. */
    OidcTokens(ApiConfig.Oidc config, VerificationKeyResolver keys) {
        this.rolesClaim = config.rolesClaim();
        this.roleMapping = Map.copyOf(config.roleMapping());
        if (keys == null) {
            this.consumer = null;
            LOG.debug("OIDC bearer tokens off (consent-relay.api.oidc.jwks-url not set)");
            return;
        }
        String issuer = config.issuer().filter(i -> !i.isBlank()).orElseThrow(() -> new IllegalStateException(
                "consent-relay.api.oidc.jwks-url is set but consent-relay.api.oidc.issuer is not: set the issuer"
                        + " the tokens must carry"));
        JwtConsumerBuilder builder = new JwtConsumerBuilder().setVerificationKeyResolver(keys)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        SIGNATURE_ALGORITHMS))
                .setExpectedIssuer(true, issuer).setRequireExpirationTime()
                .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds());
        List<String> audience = config.audience().orElse(List.of());
        if (audience.isEmpty()) {
            builder.setSkipDefaultAudienceValidation();
        } else {
            builder.setExpectedAudience(true, audience.toArray(String[]::new));
        }
        this.consumer = builder.build();
        LOG.infof("OIDC bearer tokens on: issuer %s, keys from %s, audience %s, roles from claim '%s'", issuer,
                config.jwksUrl().orElse("(given)"), audience.isEmpty() ? "not checked" : audience, rolesClaim);
    }

    private static VerificationKeyResolver jwks(String url, ApiConfig.Oidc config) {
        HttpsJwks jwks = new HttpsJwks(url);
        jwks.setDefaultCacheDuration(config.jwksCacheDuration().toSeconds());
        return new HttpsJwksVerificationKeyResolver(jwks);
    }

    /** Whether OIDC bearer tokens are configured. */
    public boolean enabled() {
        return consumer != null;
    }

    /**
     * The caller a valid token names: its subject and roles. Blocks while the provider's keys are fetched.
     *
     * @throws InvalidTokenException
     *             when OIDC is off or the token is not valid (bad signature, unknown key, wrong issuer or audience,
     *             expired); the message says why and never contains the token
     */
    public Caller verify(String token) {
        if (consumer == null) {
            throw new InvalidTokenException("OIDC bearer tokens are not configured");
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String subject = Optional.ofNullable(claims.getSubject()).orElse("oidc");
            return new Caller(subject, roles(claims));
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(withoutToken(reason(e), token));
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("malformed claim: " + e.getMessage());
        }
    }

    /** jose4j puts the whole token into some messages (a bad signature): cut it, and each of its parts, out. */
    static String withoutToken(String message, String token) {
        String cleaned = message.replace(token, "<token>");
        for (String part : token.split("\\.")) {
            if (part.length() > 8) {
                cleaned = cleaned.replace(part, "<token part>");
            }
        }
        return cleaned;
    }

    private static String reason(InvalidJwtException e) {
        if (!e.getErrorDetails().isEmpty()) {
            return e.getErrorDetails().stream().map(d -> d.getErrorMessage()).toList().toString();
        }
        Throwable cause = e.getCause();
        return cause == null ? "invalid token" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** The service roles granted by the roles claim, after the role mapping; admin implies the others. */
    Set<String> roles(JwtClaims claims) {
        Set<String> roles = new LinkedHashSet<>();
        for (String value : claimValues(claims.getClaimsMap(), rolesClaim)) {
            roles.addAll(roleMapping.getOrDefault(value, List.of(value)));
        }
        return ApiKeys.roles(new ArrayList<>(roles));
    }

    /** The values of {@code claim}: a top-level claim of that exact name, else a dotted path into nested objects. */
    static List<String> claimValues(Map<String, Object> claims, String claim) {
        Object value = claims.get(claim);
        if (value == null && claim.contains(".")) {
            Object node = claims;
            for (String part : claim.split("\\.")) {
                node = node instanceof Map<?, ?> map ? map.get(part) : null;
            }
            value = node;
        }
        List<String> values = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            collection.stream().filter(v -> v != null).map(String::valueOf).forEach(values::add);
        } else if (value instanceof String text) {
            for (String part : text.split("[\\s,]+")) {
                if (!part.isEmpty()) {
                    values.add(part);
                }
            }
        }
        return values;
    }

    /**
     * A caller named by a valid token.
     *
     * @param subject
     *            the token's {@code sub}, used as the principal
     * @param roles
     *            its service roles, admin expanded
     */
    public record Caller(String subject, Set<String> roles) {
    }

    /** A token that does not authenticate; the message says why and never contains the token. */
    public static class InvalidTokenException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InvalidTokenException(String reason) {
            super(reason);
        }
    }
}
