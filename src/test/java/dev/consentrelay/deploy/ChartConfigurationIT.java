package dev.consentrelay.deploy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.testing.ApicurioRegistryExtension;
import dev.consentrelay.testing.PackagedService;
import dev.consentrelay.testing.TestKafka;
import dev.consentrelay.testing.TestOidcProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's configuration works, not only renders: the processor's ConfigMap and environment, as Kubernetes would
 * give them to the pod (secrets resolved from the Secrets the chart names, field references from the pod), start the
 * packaged service against a real broker and registry; the API key the chart maps from its Secret is accepted, and so
 * is an OIDC token of a group the chart's role mapping names.
 */
class ChartConfigurationIT {

    private static final String KEY = "platform-key-from-the-secret";

    @TempDir
    Path pod;

    @Test
    void theApiKeyFromItsSecretAndAMappedOidcTokenOpenTheApiOfTheServiceTheChartConfigures() throws Exception {
        String registry = ApicurioRegistryExtension.startForJvm();
        TestOidcProvider provider = TestOidcProvider.get();
        RenderedChart chart = RenderedChart.render(null, Map.of("schemaRegistry.url", registry,
                "api.keys.existingSecret", "relay-api-keys", "api.keys.entries[0].name", "platform",
                "api.keys.entries[0].roles[0]", "read", "api.oidc.authServerUrl", provider.issuer(),
                "api.oidc.roleMapping.privacy-analysts[0]", "read"));
        Path config = pod.resolve("application.properties");
        Files.writeString(config, chart.get(ConfigMap.class, "relay-consent-relay-processor").getData()
                .get("application.properties"));
        Path policy = pod.resolve("policy.properties");
        Files.writeString(policy, chart.get(ConfigMap.class, "relay-consent-relay-policy").getData()
                .get("policy.properties"));
        Container container = chart.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate()
                .getSpec().getContainers().get(0);

        Map<String, String> secrets = Map.of("relay-api-keys/platform", KEY,
                "consent-relay-identifier-key/identifier-key", "identifier-key-for-this-pod",
                "consent-relay-instance-token/token", "instance-token-for-this-pod");
        Map<String, String> fields = Map.of("metadata.name", "relay-consent-relay-processor-0", "status.podIP",
                "127.0.0.1");
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            String value;
            if (variable.getValueFrom() == null) {
                value = expand(variable.getValue(), environment);
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                var ref = variable.getValueFrom().getSecretKeyRef();
                value = secrets.get(ref.getName() + "/" + ref.getKey());
                assertThat(value).as("the Secret %s/%s the chart refers to", ref.getName(), ref.getKey()).isNotNull();
            } else {
                value = fields.get(variable.getValueFrom().getFieldRef().getFieldPath());
            }
            environment.put(variable.getName(), value);
        }
        // The pod's paths, here: its mounted files and a writable state directory; its cluster, the test broker.
        environment.put("QUARKUS_CONFIG_LOCATIONS", "file:" + config + ",file:" + policy);
        environment.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka-streams.state.dir", pod.resolve("state").toString());
        properties.put("kafka-streams.application-id", "chart-configured");
        properties.put("quarkus.kafka-streams.application-id", "chart-configured");

        try (PackagedService service = PackagedService.start(pod, "chart-configured", properties, environment)) {
            service.awaitHealth("/q/health/ready", PackagedService.START_TIMEOUT);
            HttpResponse<String> withKey = service.get("/v1/vendors", Map.of("X-API-Key", KEY));
            HttpResponse<String> withoutKey = service.get("/v1/vendors", Map.of());
            assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(200);
            assertThat(withoutKey.statusCode()).isEqualTo(401);
            // OIDC as the chart configures it: quarkus-oidc verifies the token, the chart's role mapping grants read.
            String analyst = TestOidcProvider.sign(provider.key(),
                    TestOidcProvider.claims(provider.issuer(), "analyst", "privacy-analysts"));
            String unmapped = TestOidcProvider.sign(provider.key(),
                    TestOidcProvider.claims(provider.issuer(), "analyst", "admin"));
            HttpResponse<String> withToken = service.get("/v1/vendors", Map.of("Authorization", "Bearer " + analyst));
            assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
            assertThat(service.get("/v1/vendors", Map.of("Authorization", "Bearer " + unmapped)).statusCode())
                    .isEqualTo(403);
            assertThat(service.log()).as("the log names the key, never its secret").contains("[platform]")
                    .doesNotContain(KEY);
        }
    }

    /** Kubernetes' {@code $(VAR)} expansion of an earlier variable of the same container. */
    private static String expand(String value, Map<String, String> earlier) {
        if (value == null) {
            return "";
        }
        Matcher matcher = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)").matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(earlier.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
