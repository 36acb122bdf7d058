package dev.consentrelay.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.consentrelay.config.ApiConfig;
import dev.consentrelay.embedded.EmbeddedMode;

/**
 * The configured API keys, held as SHA-256 digests and compared in constant time; the keys themselves are never
 * logged. In the embedded run mode with no key configured, one random admin key is generated and printed once at
 * start-up so the API can be tried on a laptop.
 */
@Startup
@Singleton
public class ApiKeys {

    /** The role that may submit signals. */
    public static final String INGEST = "ingest";
    /** The role that may read consent state, signals and reports. */
    public static final String READ = "read";
    /** The role that may administer vendors; implies the other roles. */
    public static final String ADMIN = "admin";
    /** Name of the key generated in the embedded run mode. */
    static final String EMBEDDED_ADMIN = "embedded-admin";

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final ApiConfig config;
    private final boolean embedded;
    private final List<Entry> entries = new ArrayList<>();

    @Inject
    public ApiKeys(ApiConfig config,
            @ConfigProperty(name = EmbeddedMode.ACTIVE_PROPERTY, defaultValue = "false") boolean embedded) {
        this.config = config;
        this.embedded = embedded;
    }

    @PostConstruct
    void load() {
        config.keys().forEach((name, key) -> key.key().filter(k -> !k.isBlank())
                .ifPresentOrElse(secret -> entries.add(new Entry(name, digest(secret), roles(key.roles()))),
                        () -> LOG.warnf("API key '%s' has no consent-relay.api.keys.%s.key: ignored", name, name)));
        if (entries.isEmpty() && embedded) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            entries.add(new Entry(EMBEDDED_ADMIN, digest(secret), roles(List.of(ADMIN))));
            LOG.infof("EMBEDDED MODE: no API keys configured; generated an admin API key for this run only:%n%n"
                    + "    X-API-Key: %s%n%nConfigure consent-relay.api.keys.<name>.key/.roles to use your"
                    + " own keys.", secret);
        } else if (entries.isEmpty()) {
            LOG.warn("No API keys configured (consent-relay.api.keys.<name>.key): the HTTP API accepts OIDC bearer"
                    + " tokens only, where OIDC is configured (quarkus.oidc.auth-server-url), and otherwise"
                    + " answers 401");
        } else {
            LOG.infof("%d API key(s) configured: %s", entries.size(), entries.stream().map(Entry::name).toList());
        }
    }

    /**
     * The key's name and roles, when {@code presented} is a configured key. Every key is compared, in constant
     * time, whatever matches.
     */
    public Optional<Match> find(String presented) {
        byte[] digest = digest(presented);
        Entry found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry;
            }
        }
        return Optional.ofNullable(found).map(e -> new Match(e.name(), e.roles()));
    }

    /** The roles granted by {@code configured}, trimmed, admin expanded to all roles. */
    static Set<String> roles(List<String> configured) {
        Set<String> roles = new LinkedHashSet<>();
        configured.stream().map(String::trim).filter(r -> !r.isEmpty()).forEach(roles::add);
        if (roles.contains(ADMIN)) {
            roles.add(INGEST);
            roles.add(READ);
        }
        return Set.copyOf(roles);
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** For tests: the configured keys by name, without secrets. */
    Map<String, Set<String>> rolesByName() {
        Map<String, Set<String>> roles = new java.util.LinkedHashMap<>();
        entries.forEach(e -> roles.put(e.name(), e.roles()));
        return roles;
    }

    /**
     * A configured key that matched.
     *
     * @param name
     *            the key's configured name, used as the principal
     * @param roles
     *            its roles, admin expanded
     */
    public record Match(String name, Set<String> roles) {
    }

    private record Entry(String name, byte[] digest, Set<String> roles) {
    }
}
