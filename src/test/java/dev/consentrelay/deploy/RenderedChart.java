package dev.consentrelay.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The chart under {@code helm/consent-relay}, rendered by real Helm ({@code helm template}, which also validates the
 * values against {@code values.schema.json}) and read back as Kubernetes model objects. Custom resources (the
 * Prometheus Operator kinds) are kept as JSON trees too.
 */
final class RenderedChart {

    static final Path CHART = Path.of("helm", "consent-relay");
    static final Path PRODUCTION_VALUES = Path.of("src", "test", "resources", "helm", "values-production.yaml");
    static final String RELEASE = "relay";
    /** A Kubernetes version the chart supports (Helm's library default is older than the chart's minimum). */
    static final String KUBE_VERSION = "1.30.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final String manifest;
    final List<HasMetadata> resources = new ArrayList<>();
    final List<JsonNode> trees = new ArrayList<>();

    private RenderedChart(String manifest) throws Exception {
        this.manifest = manifest;
        for (String document : manifest.split("(?m)^---\\s*$")) {
            JsonNode tree = YAML.readTree(document);
            if (tree == null || tree.isMissingNode() || tree.isNull() || !tree.has("kind")) {
                continue;
            }
            trees.add(tree);
            resources.add(Serialization.unmarshal(document));
        }
    }

    /** Renders with the chart's defaults plus {@code valuesFile} (null: defaults only) and {@code sets}. */
    static RenderedChart render(Path valuesFile, Map<String, Object> sets) throws Exception {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("privacy")
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile.toAbsolutePath());
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return new RenderedChart(template.call());
    }

    /** The one resource of this type and name. */
    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " " + name + " in:\n" + manifest));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return resources.stream().filter(type::isInstance).map(type::cast)
                .filter(resource -> resource.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Resources of a kind that fabric8 has no model class for (read as JSON trees). */
    List<JsonNode> ofKind(String kind) {
        return trees.stream().filter(tree -> kind.equals(tree.path("kind").asText())).toList();
    }
}
