package dev.consentrelay.platform;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.consentrelay.config.PolicyConfig;
import dev.consentrelay.domain.Policy;

/** Builds the consent policy: the spec's defaults with the configured overrides merged over them. */
@ApplicationScoped
public class PolicyProducer {

    private static final Logger LOG = Logger.getLogger(PolicyProducer.class);

    @Produces
    @Singleton
    Policy policy(PolicyConfig config) {
        Policy policy = fromConfig(config);
        LOG.infof("Consent policy version %s: %d purposes, models for %s", policy.version(),
                policy.purposes().size(), policy.models().keySet());
        return policy;
    }

    /** The defaults with {@code config} merged over them; fails naming every bad entry. */
    public static Policy fromConfig(PolicyConfig config) {
        Policy.Builder builder = Policy.defaults().toBuilder();
        config.version().ifPresent(builder::version);
        config.purposes().ifPresent(builder::purposes);
        config.models().forEach((region, byPurpose) -> byPurpose.forEach((purpose, model) -> {
            try {
                builder.model(region, purpose, Policy.Model.valueOf(model.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("consent-relay.policy.models.\"" + region + "\"." + purpose
                        + "=" + model + ": the model is OPT_IN or OPT_OUT");
            }
        }));
        config.gpcPurposes().forEach(builder::gpcPurposes);
        config.grantLifetimes().forEach((region, byPurpose) -> byPurpose
                .forEach((purpose, lifetime) -> builder.grantLifetime(region, purpose, lifetime)));
        config.affirmativeMethods().ifPresent(builder::affirmativeMethods);
        config.maxClockSkew().ifPresent(builder::maxClockSkew);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid consent-relay.policy configuration: " + e.getMessage(), e);
        }
    }
}
