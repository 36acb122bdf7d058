package dev.consentrelay.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Overrides of the consent policy. Everything defaults to the product spec; entries given here are merged over the
 * defaults ((region, purpose) by (region, purpose)). The same keys can live in a separate policy file loaded with
 * {@code quarkus.config.locations=file:/path/policy.properties}.
 *
 * <pre>
 * consent-relay.policy.version=2026-12-01
 * consent-relay.policy.models."US-*".sms_marketing=OPT_IN
 * consent-relay.policy.gpc-purposes."US-CA"=sale_sharing,advertising,third_party_sharing,profiling
 * consent-relay.policy.grant-lifetimes.EU.analytics=P13M
 * </pre>
 */
@ConfigMapping(prefix = "consent-relay.policy")
public interface PolicyConfig {

    /** Version of the policy, recorded with every decision. */
    Optional<String> version();

    /** The purpose catalogue; replaces the default catalogue when set. */
    Optional<List<String>> purposes();

    /**
     * Consent model per region pattern and purpose: {@code OPT_IN} or {@code OPT_OUT}. A region pattern is an exact
     * code ({@code EU}, {@code US-CA}) or a wildcard ({@code US-*}); quote patterns that contain {@code *} or
     * {@code -}.
     */
    Map<String, Map<String, String>> models();

    /** Purposes a Global Privacy Control signal denies, per region pattern ({@code *} = every region). */
    Map<String, List<String>> gpcPurposes();

    /** Lifetime of a grant per region pattern and purpose: ISO-8601 period or duration ({@code P13M}, {@code PT1H}). */
    Map<String, Map<String, String>> grantLifetimes();

    /** Methods that count as an affirmative act for an opt-in; replaces the default list when set. */
    Optional<List<String>> affirmativeMethods();

    /** How far in the future a signal's {@code occurredAt} may be before it is rejected. */
    Optional<Duration> maxClockSkew();
}
