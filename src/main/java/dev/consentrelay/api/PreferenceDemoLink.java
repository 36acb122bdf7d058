package dev.consentrelay.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.consentrelay.embedded.EmbeddedMode;

/** In the embedded run, prints a preference-centre link for a demo subject, so the page can be opened at once. */
@ApplicationScoped
public class PreferenceDemoLink {

    /** The subject of the printed link. */
    static final String DEMO_SUBJECT = "demo-subject";

    private static final Logger LOG = Logger.getLogger(PreferenceDemoLink.class);

    private final boolean embedded;
    private final String identifierKey;
    private final int port;

    public PreferenceDemoLink(
            @ConfigProperty(name = EmbeddedMode.ACTIVE_PROPERTY, defaultValue = "false") boolean embedded,
            @ConfigProperty(name = "consent-relay.privacy.identifier-key", defaultValue = "") String identifierKey,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        this.embedded = embedded;
        this.identifierKey = identifierKey;
        this.port = port;
    }

    void print(@Observes StartupEvent event) {
        if (!embedded || identifierKey.isBlank()) {
            return;
        }
        PreferenceLinks.Link link = new PreferenceLinks(identifierKey.getBytes(StandardCharsets.UTF_8))
                .sign(DEMO_SUBJECT, Instant.now().plus(Duration.ofDays(1)));
        LOG.infof("EMBEDDED MODE: the preference centre for a demo subject (%s), valid for a day:%n%n"
                + "    http://localhost:%d%s%n", DEMO_SUBJECT, port, link.path());
    }
}
