package dev.consentrelay.docs;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.smallrye.config.ConfigMapping;
import org.junit.jupiter.api.Test;

import dev.consentrelay.config.ApiConfig;
import dev.consentrelay.config.ConnectorsConfig;
import dev.consentrelay.config.IngestConfig;
import dev.consentrelay.config.InternalConfig;
import dev.consentrelay.config.PolicyConfig;
import dev.consentrelay.config.PrivacyConfig;
import dev.consentrelay.config.ProcessingConfig;
import dev.consentrelay.config.QueryConfig;
import dev.consentrelay.config.RegistryConfig;
import dev.consentrelay.config.TopicsConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and the documents beside it: short, linked without a broken link or anchor, and every configuration
 * property the code reads documented.
 */
class DocumentationTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
    private static final List<Class<?>> CONFIGS = List.of(ApiConfig.class, ConnectorsConfig.class,
            IngestConfig.class, InternalConfig.class, PolicyConfig.class, PrivacyConfig.class, ProcessingConfig.class,
            QueryConfig.class, RegistryConfig.class, TopicsConfig.class);

    @Test
    void theReadmeReadsInFiveMinutes() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md"))).hasSizeLessThanOrEqualTo(200);
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            String text = withoutCode(Files.readString(document));
            Matcher links = LINK.matcher(text);
            while (links.find()) {
                String link = links.group(1);
                if (link.matches("^(https?|mailto):.*")) {
                    continue;
                }
                String file = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
                String anchor = link.contains("#") ? link.substring(link.indexOf('#') + 1) : null;
                Path target = file.isEmpty()
                        ? document
                        : document.getParent() == null
                                ? Path.of(file)
                                : document.getParent().resolve(file).normalize();
                if (!Files.exists(target)) {
                    broken.add(document + ": " + link + " (no " + target + ")");
                } else if (anchor != null && !anchors(target).contains(anchor)) {
                    broken.add(document + ": " + link + " (no heading #" + anchor + " in " + target + ")");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyConfigurationPropertyIsDocumented() throws IOException {
        String documented = Files.readString(Path.of("docs", "configuration.md"));
        Set<String> properties = new TreeSet<>();
        for (Class<?> config : CONFIGS) {
            collect(config, config.getAnnotation(ConfigMapping.class).prefix() + ".", properties);
        }
        assertThat(properties).hasSizeGreaterThan(40);
        List<String> missing = properties.stream().filter(property -> !documents(documented, property)).toList();
        assertThat(missing).as("properties read by the code but absent from docs/configuration.md").isEmpty();
    }

    /** Documented in full, or in a row naming its parent and its last segment ({@code a.b.x} / {@code y}). */
    private static boolean documents(String documented, String property) {
        String regex = Pattern.quote(property).replace("<key>", "\\E[^.\\s`]+\\Q");
        if (Pattern.compile(regex).matcher(documented).find()) {
            return true;
        }
        String parent = property.substring(0, property.lastIndexOf('.') + 1);
        String last = property.substring(property.lastIndexOf('.') + 1);
        Pattern parentPattern = Pattern.compile(Pattern.quote(parent).replace("<key>", "\\E[^.\\s`]+\\Q"));
        Pattern lastPattern = Pattern.compile("(?<![\\w-])" + Pattern.quote(last) + "(?![\\w-])");
        return documented.lines().anyMatch(line -> parentPattern.matcher(line).find()
                && lastPattern.matcher(line.substring(line.indexOf('|') + 1)).find());
    }

    private static void collect(Class<?> type, String prefix, Set<String> out) {
        for (Method method : type.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = prefix + kebab(method.getName());
            Type returned = method.getGenericReturnType();
            Class<?> raw = method.getReturnType();
            if (raw == Optional.class) {
                returned = ((ParameterizedType) returned).getActualTypeArguments()[0];
                raw = returned instanceof Class<?> c ? c : (Class<?>) ((ParameterizedType) returned).getRawType();
            }
            if (raw == Map.class) {
                Type value = ((ParameterizedType) returned).getActualTypeArguments()[1];
                if (value instanceof Class<?> group && isGroup(group)) {
                    collect(group, name + ".<key>.", out);
                } else {
                    out.add(name + ".<key>");
                }
            } else if (isGroup(raw)) {
                collect(raw, name + ".", out);
            } else {
                out.add(name);
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getPackageName().startsWith("dev.consentrelay");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CHANGELOG.md"),
                Path.of("helm", "consent-relay", "README.md"), Path.of("deploy", "README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    private static Set<String> anchors(Path document) throws IOException {
        Set<String> anchors = new TreeSet<>();
        if (!document.toString().endsWith(".md")) {
            return anchors;
        }
        Matcher headings = HEADING.matcher(withoutCode(Files.readString(document)));
        while (headings.find()) {
            anchors.add(headings.group(1).trim().toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^\\w\\- ]", "").replace(' ', '-'));
        }
        return anchors;
    }

    /** The text without fenced code blocks, whose lines are neither links nor headings. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "");
    }
}
