package dev.consentrelay.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configurable consent policy: purpose catalogue, consent model and grant lifetime per (region, purpose), GPC
 * purposes per region, what counts as an affirmative opt-in, and the tolerated clock skew. Immutable; build one with
 * {@link #builder()} or start from {@link #defaults()} (the defaults of SPEC.md).
 *
 * <p>
 * Region-keyed settings take region patterns (see {@link Regions}). A lookup uses the exact region first, then the
 * longest matching wildcard; a purpose with no model there, or an unknown or blank region, gets
 * {@link Policy.Model#OPT_IN}, the stricter model.
 */
public final class Policy {

    /** Default policy version. */
    public static final String DEFAULT_VERSION = "2026-11-01";

    /** The default purpose catalogue, in SPEC.md order. */
    public static final List<String> DEFAULT_PURPOSES = List.of("email_marketing", "sms_marketing", "analytics",
            "advertising", "profiling", "sale_sharing", "personalization", "third_party_sharing");

    /** Methods that record an affirmative act, accepted for an opt-in by default. */
    public static final List<String> DEFAULT_AFFIRMATIVE_METHODS = List.of("unchecked_box", "toggle", "button", "link",
            "checkbox", "double_opt_in", "signed_form", "written", "verbal", "reply_yes", "api");

    /** Default GPC purposes, for every region. */
    public static final List<String> DEFAULT_GPC_PURPOSES = List.of("sale_sharing", "advertising",
            "third_party_sharing");

    /** Default tolerated skew of {@code occurredAt} into the future. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private final String version;
    private final Set<String> purposes;
    private final Map<String, Map<String, Model>> models;
    private final Map<String, Set<String>> gpcPurposes;
    private final Map<String, Map<String, TemporalAmount>> grantLifetimes;
    private final Set<String> affirmativeMethods;
    private final Duration maxClockSkew;

    private Policy(Builder builder) {
        this.version = builder.version;
        this.purposes = Collections.unmodifiableSet(new LinkedHashSet<>(builder.purposes));
        this.models = freeze(builder.models);
        Map<String, Set<String>> gpc = new TreeMap<>();
        builder.gpcPurposes.forEach((pattern, set) -> gpc.put(pattern, Copies.sortedSet(set)));
        this.gpcPurposes = Collections.unmodifiableMap(gpc);
        this.grantLifetimes = freeze(builder.grantLifetimes);
        this.affirmativeMethods = Copies.sortedSet(builder.affirmativeMethods);
        this.maxClockSkew = builder.maxClockSkew;
    }

    private static <V> Map<String, Map<String, V>> freeze(Map<String, Map<String, V>> byPattern) {
        Map<String, Map<String, V>> copy = new TreeMap<>();
        byPattern.forEach((pattern, byPurpose) -> copy.put(pattern, Copies.sortedMap(byPurpose)));
        return Collections.unmodifiableMap(copy);
    }

    /** The defaults of SPEC.md. */
    public static Policy defaults() {
        List<String> others = new ArrayList<>(DEFAULT_PURPOSES);
        others.removeAll(List.of("email_marketing", "sms_marketing"));
        List<String> usOptOut = new ArrayList<>(DEFAULT_PURPOSES);
        usOptOut.remove("sms_marketing");
        return builder().version(DEFAULT_VERSION)
                .purposes(DEFAULT_PURPOSES)
                .models("EU", Model.OPT_IN, DEFAULT_PURPOSES)
                .models("UK", Model.OPT_IN, DEFAULT_PURPOSES)
                .models("CA", Model.OPT_IN, List.of("email_marketing", "sms_marketing"))
                .models("CA", Model.OPT_OUT, others)
                .models("US-*", Model.OPT_OUT, usOptOut)
                .models("US-*", Model.OPT_IN, List.of("sms_marketing"))
                .gpcPurposes("*", DEFAULT_GPC_PURPOSES)
                .grantLifetime("EU", "analytics", Period.ofMonths(13))
                .grantLifetime("EU", "advertising", Period.ofMonths(13))
                .grantLifetime("UK", "analytics", Period.ofMonths(13))
                .grantLifetime("UK", "advertising", Period.ofMonths(13))
                .affirmativeMethods(DEFAULT_AFFIRMATIVE_METHODS)
                .maxClockSkew(DEFAULT_MAX_CLOCK_SKEW)
                .build();
    }

    /** An empty builder: no purposes, no models (everything OPT_IN), no GPC purposes, no lifetimes. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings, to change some of them. */
    public Builder toBuilder() {
        Builder builder = builder().version(version).purposes(purposes).affirmativeMethods(affirmativeMethods)
                .maxClockSkew(maxClockSkew);
        models.forEach((pattern, byPurpose) -> byPurpose.forEach((purpose, model) -> builder.model(pattern, purpose,
                model)));
        gpcPurposes.forEach(builder::gpcPurposes);
        grantLifetimes.forEach((pattern, byPurpose) -> byPurpose.forEach((purpose, amount) -> builder.grantLifetime(
                pattern, purpose, amount)));
        return builder;
    }

    public String version() {
        return version;
    }

    /** The purpose catalogue, in configured order. */
    public Set<String> purposes() {
        return purposes;
    }

    public boolean isKnownPurpose(String purpose) {
        return purposes.contains(purpose);
    }

    /** Configured models: region pattern to purpose to model. */
    public Map<String, Map<String, Model>> models() {
        return models;
    }

    /** Configured GPC purposes per region pattern. */
    public Map<String, Set<String>> gpcPurposesByRegion() {
        return gpcPurposes;
    }

    /** Configured grant lifetimes: region pattern to purpose to lifetime. */
    public Map<String, Map<String, TemporalAmount>> grantLifetimes() {
        return grantLifetimes;
    }

    /** Accepted opt-in methods, lower case. */
    public Set<String> affirmativeMethods() {
        return affirmativeMethods;
    }

    public Duration maxClockSkew() {
        return maxClockSkew;
    }

    /** The model for a purpose in a region; {@link Model#OPT_IN} where nothing is configured. */
    public Model model(String region, String purpose) {
        return Regions.lookup(models, region, byPurpose -> byPurpose.containsKey(purpose))
                .map(byPurpose -> byPurpose.get(purpose))
                .orElse(Model.OPT_IN);
    }

    /**
     * The region as the policy groups it, for metric labels: the most specific region pattern of the policy's models
     * that covers it ({@code EU}, {@code US-*}, {@code *}), {@code unknown} for none given, {@code other} where no
     * pattern covers it. Bounded by the policy, whatever regions arrive.
     */
    public String regionLabel(String region) {
        if (Regions.normalize(region) == null) {
            return "unknown";
        }
        String code = region.trim();
        if (models.containsKey(code)) {
            return code;
        }
        String best = null;
        for (String pattern : models.keySet()) {
            if (pattern.endsWith("*") && Regions.matches(pattern, code)
                    && (best == null || pattern.length() > best.length())) {
                best = pattern;
            }
        }
        return best == null ? "other" : best;
    }

    /** The purposes a GPC signal denies in a region; empty where nothing is configured. */
    public Set<String> gpcPurposes(String region) {
        return Regions.lookup(gpcPurposes, region, set -> true).orElse(Set.of());
    }

    /** How long a grant of a purpose lasts in a region; empty when it does not lapse. */
    public Optional<TemporalAmount> grantLifetime(String region, String purpose) {
        return Regions.lookup(grantLifetimes, region, byPurpose -> byPurpose.containsKey(purpose))
                .map(byPurpose -> byPurpose.get(purpose));
    }

    /** When a grant made at {@code grantedAt} lapses (calendar arithmetic in UTC); empty when it does not. */
    public Optional<Instant> grantExpiry(String region, String purpose, Instant grantedAt) {
        return grantLifetime(region, purpose).map(amount -> grantedAt.atZone(ZoneOffset.UTC).plus(amount).toInstant());
    }

    /** Whether a method records an affirmative act (case-insensitive). */
    public boolean isAffirmativeMethod(String method) {
        return method != null && affirmativeMethods.contains(normalizeMethod(method));
    }

    static String normalizeMethod(String method) {
        return method == null ? "" : method.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a lifetime: an ISO-8601 period such as {@code P13M} or {@code P1Y}, or a duration such as {@code PT1S}.
     *
     * @throws IllegalArgumentException
     *             if it is neither
     */
    public static TemporalAmount parseLifetime(String text) {
        String value = Objects.requireNonNull(text, "lifetime").trim().toUpperCase(Locale.ROOT);
        try {
            return value.contains("T") ? Duration.parse(value) : Period.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("lifetime '" + text
                    + "' is neither an ISO-8601 period (P13M) nor a duration (PT1S)", e);
        }
    }

    @Override
    public String toString() {
        return "Policy[version=" + version + ", purposes=" + purposes + ", models=" + models + ", gpcPurposes="
                + gpcPurposes + ", grantLifetimes=" + grantLifetimes + ", affirmativeMethods=" + affirmativeMethods
                + ", maxClockSkew=" + maxClockSkew + "]";
    }

    /** Collects settings; {@link #build()} checks them and fails with a message naming the bad entry. */
    public static final class Builder {
        private String version = DEFAULT_VERSION;
        private final Set<String> purposes = new LinkedHashSet<>();
        private final Map<String, Map<String, Model>> models = new LinkedHashMap<>();
        private final Map<String, Set<String>> gpcPurposes = new LinkedHashMap<>();
        private final Map<String, Map<String, TemporalAmount>> grantLifetimes = new LinkedHashMap<>();
        private final Set<String> affirmativeMethods = new LinkedHashSet<>();
        private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;

        private Builder() {
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** Replaces the purpose catalogue. */
        public Builder purposes(Collection<String> purposes) {
            this.purposes.clear();
            this.purposes.addAll(purposes);
            return this;
        }

        /** Sets the model of one purpose in a region pattern. */
        public Builder model(String regionPattern, String purpose, Model model) {
            models.computeIfAbsent(regionPattern, p -> new LinkedHashMap<>()).put(purpose, model);
            return this;
        }

        /** Sets the same model for several purposes in a region pattern. */
        public Builder models(String regionPattern, Model model, Collection<String> purposes) {
            purposes.forEach(purpose -> model(regionPattern, purpose, model));
            return this;
        }

        /** Removes every configured model. */
        public Builder clearModels() {
            models.clear();
            return this;
        }

        /** Replaces the GPC purposes of a region pattern ({@code *} for every region). */
        public Builder gpcPurposes(String regionPattern, Collection<String> purposes) {
            gpcPurposes.put(regionPattern, new LinkedHashSet<>(purposes));
            return this;
        }

        /** Removes every configured GPC purpose. */
        public Builder clearGpcPurposes() {
            gpcPurposes.clear();
            return this;
        }

        /** Sets how long a grant lasts; a {@link Period} is applied as calendar time in UTC. */
        public Builder grantLifetime(String regionPattern, String purpose, TemporalAmount lifetime) {
            grantLifetimes.computeIfAbsent(regionPattern, p -> new LinkedHashMap<>()).put(purpose, lifetime);
            return this;
        }

        /** Sets how long a grant lasts, as text for {@link Policy#parseLifetime(String)}. */
        public Builder grantLifetime(String regionPattern, String purpose, String lifetime) {
            return grantLifetime(regionPattern, purpose, parseLifetime(lifetime));
        }

        /** Removes every configured grant lifetime. */
        public Builder clearGrantLifetimes() {
            grantLifetimes.clear();
            return this;
        }

        /** Replaces the accepted opt-in methods (compared case-insensitively). */
        public Builder affirmativeMethods(Collection<String> methods) {
            affirmativeMethods.clear();
            methods.forEach(method -> affirmativeMethods.add(normalizeMethod(method)));
            return this;
        }

        public Builder maxClockSkew(Duration maxClockSkew) {
            this.maxClockSkew = maxClockSkew;
            return this;
        }

        /**
         * @throws IllegalArgumentException
         *             naming every bad setting: blank version, empty catalogue, malformed region pattern, purpose
         *             outside the catalogue, missing model or lifetime, negative skew
         */
        public Policy build() {
            List<String> problems = new ArrayList<>();
            if (Copies.isBlank(version)) {
                problems.add("version must not be blank");
            }
            if (purposes.isEmpty() || purposes.stream().anyMatch(Copies::isBlank)) {
                problems.add("the purpose catalogue must name at least one purpose and no blank ones");
            }
            models.forEach((pattern, byPurpose) -> {
                checkPattern("models", pattern, problems);
                byPurpose.forEach((purpose, model) -> {
                    checkPurpose("models." + pattern, purpose, problems);
                    if (model == null) {
                        problems.add("models." + pattern + "." + purpose + " has no model");
                    }
                });
            });
            gpcPurposes.forEach((pattern, set) -> {
                checkPattern("gpc-purposes", pattern, problems);
                set.forEach(purpose -> checkPurpose("gpc-purposes." + pattern, purpose, problems));
            });
            grantLifetimes.forEach((pattern, byPurpose) -> {
                checkPattern("grant-lifetimes", pattern, problems);
                byPurpose.forEach((purpose, lifetime) -> {
                    checkPurpose("grant-lifetimes." + pattern, purpose, problems);
                    if (lifetime == null) {
                        problems.add("grant-lifetimes." + pattern + "." + purpose + " has no lifetime");
                    }
                });
            });
            if (maxClockSkew == null || maxClockSkew.isNegative()) {
                problems.add("max clock skew must be zero or positive");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid consent policy: " + String.join("; ", problems));
            }
            return new Policy(this);
        }

        private static void checkPattern(String setting, String pattern, List<String> problems) {
            if (!Regions.isValidPattern(pattern)) {
                problems.add(setting + ": region pattern '" + pattern
                        + "' must be a region code (EU, US-CA), a prefix wildcard (US-*) or *");
            }
        }

        private void checkPurpose(String setting, String purpose, List<String> problems) {
            if (!purposes.contains(purpose)) {
                problems.add(setting + ": purpose '" + purpose + "' is not in the catalogue " + purposes);
            }
        }
    }

    /** How the law treats a purpose in a region. */
    public enum Model {
        /** Processing only after an explicit, affirmative, unexpired grant. */
        OPT_IN,
        /** Processing by default until the subject refuses. */
        OPT_OUT
    }
}
