package dev.consentrelay.deploy;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.consentrelay.config.TopicsConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker-compose.yml} is a valid Compose file (checked against the Compose specification's JSON schema,
 * vendored under {@code src/test/resources/compose}), starts its services in a safe order, and creates every topic of
 * the product with the right cleanup policy before the service starts.
 */
class DockerComposeTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");
    private static final Pattern CREATE = Pattern.compile("(?m)^\\s*create (\\S+)(.*)$");
    private static final Pattern SPEC_TOPIC = Pattern.compile("`(consent\\.[a-zA-Z.<>-]+\\.v1)`");
    private static final String DEMO_VENDOR = "demo";

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void read() throws Exception {
        compose = YAML.readTree(COMPOSE_FILE.toFile());
        services = compose.path("services");
    }

    @Test
    void isValidAgainstTheComposeSpecificationSchema() throws Exception {
        Set<ValidationMessage> errors = composeSchema().validate(compose);
        assertThat(errors).as("Compose schema violations").isEmpty();
    }

    @Test
    void schemaCatchesAMistake() throws Exception {
        JsonSchema schema = composeSchema();
        JsonNode broken = YAML.readTree("services:\n  kafka:\n    image: apache/kafka:4.1.1\n    helthcheck: {}\n");
        assertThat(schema.validate(broken)).isNotEmpty();
    }

    @Test
    void runsTheWholeStack() {
        assertThat(names(services)).containsExactlyInAnyOrder("kafka", "topic-init", "schema-registry",
                "demo-vendor", "consent-relay", "prometheus", "grafana");
        assertThat(services.at("/kafka/image").asText()).startsWith("apache/kafka:");
        assertThat(services.at("/schema-registry/image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.at("/consent-relay/build/dockerfile").asText())
                .isEqualTo("src/main/docker/Dockerfile.jvm");
        assertThat(Path.of(services.at("/consent-relay/build/dockerfile").asText())).exists();
        assertThat(services.at("/consent-relay/environment/CONSENT_RELAY_ROLE").asText()).isEqualTo("all");
        assertThat(services.at("/consent-relay/environment/KAFKA_BOOTSTRAP_SERVERS").asText())
                .isEqualTo("kafka:29092");
        assertThat(services.at("/consent-relay/environment/CONSENT_RELAY_SCHEMA_REGISTRY_URL").asText())
                .isEqualTo("http://schema-registry:8081");
    }

    @Test
    void everyImageIsPinned() {
        services.fields().forEachRemaining(service -> {
            String image = service.getValue().path("image").asText();
            assertThat(image).as(service.getKey()).matches("[^:]+:[0-9v][^:]*").doesNotEndWith(":latest");
        });
    }

    @Test
    void brokerHasAnInternalAndAHostListenerAndNoTopicAutoCreation() {
        JsonNode env = services.at("/kafka/environment");
        assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("INTERNAL://kafka:29092")
                .contains("HOST://localhost:9092");
        assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(env.path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
    }

    @Test
    void longRunningServicesHaveHealthchecksAndStartInOrder() {
        for (String name : List.of("kafka", "schema-registry", "demo-vendor", "consent-relay", "prometheus",
                "grafana")) {
            assertThat(services.path(name).path("healthcheck").path("test").isArray()).as(name).isTrue();
        }
        Map<String, String> conditions = new HashMap<>();
        services.fields().forEachRemaining(service -> service.getValue().path("depends_on").fields()
                .forEachRemaining(dependency -> {
                    String condition = dependency.getValue().path("condition").asText();
                    conditions.put(service.getKey() + "->" + dependency.getKey(), condition);
                    if (condition.equals("service_healthy")) {
                        assertThat(services.path(dependency.getKey()).has("healthcheck"))
                                .as(dependency.getKey() + " has a healthcheck").isTrue();
                    }
                }));
        assertThat(conditions).containsEntry("topic-init->kafka", "service_healthy")
                .containsEntry("schema-registry->kafka", "service_healthy")
                .containsEntry("consent-relay->topic-init", "service_completed_successfully")
                .containsEntry("consent-relay->schema-registry", "service_healthy")
                .containsEntry("consent-relay->demo-vendor", "service_healthy")
                .containsEntry("prometheus->consent-relay", "service_healthy")
                .containsEntry("grafana->prometheus", "service_healthy");
        assertThat(conditions.values()).doesNotContain("service_started", "");
        assertThat(services.at("/consent-relay/healthcheck/test").toString()).contains("/q/health/ready");
    }

    @Test
    void topicInitCreatesEveryTopicWithItsCleanupPolicy() throws Exception {
        Map<String, String> created = createdTopics();
        Map<String, String> expected = new LinkedHashMap<>();
        for (Map.Entry<String, String> topic : defaultTopics().entrySet()) {
            String cleanup = Set.of("subjectState", "vendors").contains(topic.getKey()) ? "compact" : "delete";
            expected.put(topic.getValue().replace("{vendorId}", DEMO_VENDOR), cleanup);
        }
        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((topic, cleanup) -> assertThat(created.get(topic)).as(topic)
                .contains("--config cleanup.policy=" + cleanup));
        assertThat(created.get("consent.audit.v1")).contains("--config retention.ms=-1");
        assertThat(services.at("/topic-init/restart").asText()).isEqualTo("no");
    }

    @Test
    void createdTopicsAreThoseOfTheSpecification() throws Exception {
        // The topic table of docs/topics.md mirrors the product specification; the spec itself is read where it is
        // checked out.
        Set<String> documented = specTopics(Files.readString(Path.of("docs", "topics.md")));
        for (Path spec : List.of(Path.of("..", "shared", "SPEC.md"), Path.of("shared", "SPEC.md"))) {
            if (Files.exists(spec)) {
                documented.addAll(specTopics(Files.readString(spec)));
            }
        }
        Set<String> created = createdTopics().keySet().stream()
                .map(topic -> topic.replace("." + DEMO_VENDOR + ".", ".<vendorId>."))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(created).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void prometheusAndGrafanaUseTheChartsAlertsAndDashboard() throws Exception {
        JsonNode prometheus = YAML.readTree(Path.of("deploy/prometheus/prometheus.yml").toFile());
        assertThat(prometheus.at("/scrape_configs/0/metrics_path").asText()).isEqualTo("/q/metrics");
        assertThat(prometheus.at("/scrape_configs/0/static_configs/0/targets/0").asText())
                .isEqualTo("consent-relay:8080");

        RenderedChart chart = RenderedChart.render(null, Map.of("metrics.prometheusRule.enabled", true));
        JsonNode chartGroups = chart.ofKind("PrometheusRule").get(0).at("/spec/groups");
        JsonNode composeGroups = YAML.readTree(Path.of("deploy/prometheus/alerts.yml").toFile()).path("groups");
        assertThat(composeGroups).as("deploy/prometheus/alerts.yml equals the chart's default rules")
                .isEqualTo(chartGroups);

        assertThat(services.at("/grafana/volumes").toString())
                .contains("./helm/consent-relay/files/dashboards:/var/lib/grafana/dashboards");
        services.fields().forEachRemaining(service -> service.getValue().path("volumes").forEach(volume -> {
            String source = volume.asText().split(":")[0];
            if (source.startsWith("./")) {
                assertThat(Path.of(source)).as(service.getKey() + " mounts " + source).exists();
            }
        }));
    }

    private static JsonSchema composeSchema() throws Exception {
        // The spec schema still carries draft-04 style "id" annotations: known to the meta-schema, never validated.
        JsonMetaSchema metaSchema = JsonMetaSchema.builder(JsonMetaSchema.getV201909())
                .keyword(new NonValidationKeyword("id")).build();
        // Its "duration" format means Go durations (10s, 2m), not ISO-8601: formats stay annotations.
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
        try (InputStream in = DockerComposeTest.class.getResourceAsStream("/compose/compose-spec.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909, factory -> factory
                    .metaSchema(metaSchema)).getSchema(in, config);
        }
    }

    private static Map<String, String> createdTopics() {
        String script = StreamSupport.stream(services.at("/topic-init/command").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.joining("\n"));
        Map<String, String> created = new LinkedHashMap<>();
        Matcher matcher = CREATE.matcher(script);
        while (matcher.find()) {
            created.put(matcher.group(1), matcher.group(2));
        }
        return created;
    }

    /** Topic defaults of the service's configuration, by property. */
    private static Map<String, String> defaultTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        for (Method method : TopicsConfig.class.getDeclaredMethods()) {
            WithDefault value = method.getAnnotation(WithDefault.class);
            if (value != null && method.getReturnType() == String.class) {
                topics.put(method.getName(), value.value());
            }
        }
        return topics;
    }

    private static Set<String> specTopics(String text) {
        Set<String> topics = new TreeSet<>();
        Matcher matcher = SPEC_TOPIC.matcher(text);
        while (matcher.find()) {
            topics.add(matcher.group(1));
        }
        return topics;
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
