package dev.consentrelay.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads the few settings that must be known before the application boots (is Kafka configured? where does the
 * embedded broker keep its data?) from the same places, in the same order, as the application's configuration:
 * system properties, environment variables, {@code config/application.properties} in the working directory, then
 * {@code application.properties} on the class path. Profile-specific keys ({@code %prod.key}) win over plain ones
 * within a file.
 */
final class LaunchSettings {

    private final Map<String, String> environment;
    private final Properties systemProperties;
    private final List<Properties> files;
    private final String profile;

    LaunchSettings(Map<String, String> environment, Properties systemProperties, List<Properties> files,
            String profile) {
        this.environment = environment;
        this.systemProperties = systemProperties;
        this.files = files;
        this.profile = profile;
    }

    static LaunchSettings fromRuntime() {
        List<Properties> files = new ArrayList<>();
        Path local = Path.of("config", "application.properties");
        if (Files.isRegularFile(local)) {
            try (InputStream in = Files.newInputStream(local)) {
                files.add(load(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + local.toAbsolutePath(), e);
            }
        }
        try {
            Enumeration<URL> urls = LaunchSettings.class.getClassLoader().getResources("application.properties");
            for (URL url : Collections.list(urls)) {
                try (InputStream in = url.openStream()) {
                    files.add(load(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read application.properties from the class path", e);
        }
        String profile = Optional.ofNullable(System.getProperty("quarkus.profile"))
                .or(() -> Optional.ofNullable(System.getenv("QUARKUS_PROFILE")))
                .orElse("prod");
        return new LaunchSettings(System.getenv(), System.getProperties(), files, profile);
    }

    /** The value of {@code key}, or empty when it is not set anywhere or set to a blank value. */
    Optional<String> get(String key) {
        String value = systemProperties.getProperty(key);
        if (value == null) {
            value = environment.get(envName(key));
        }
        if (value == null) {
            for (Properties file : files) {
                value = file.getProperty("%" + profile + "." + key, file.getProperty(key));
                if (value != null) {
                    break;
                }
            }
        }
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    static String envName(String key) {
        StringBuilder name = new StringBuilder(key.length());
        for (char c : key.toCharArray()) {
            name.append(Character.isLetterOrDigit(c) ? c : '_');
        }
        return name.toString().toUpperCase(Locale.ROOT);
    }

    private static Properties load(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        return properties;
    }
}
