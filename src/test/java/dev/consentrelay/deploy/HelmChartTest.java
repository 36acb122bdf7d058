package dev.consentrelay.deploy;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Lints the chart and renders it with real Helm for the default values and for a production-like values file, then
 * checks what a Kafka Streams deployment depends on in the rendered Kubernetes objects.
 */
class HelmChartTest {

    private static final String STATE_DIR = "/var/lib/consent-relay/state";

    private static RenderedChart defaults;
    private static RenderedChart production;

    @BeforeAll
    static void render() throws Exception {
        defaults = RenderedChart.render(null, Map.of());
        production = RenderedChart.render(RenderedChart.PRODUCTION_VALUES, Map.of());
    }

    @Test
    void chartPassesHelmLintStrict() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void valuesSchemaRejectsAFloatingImageTag() {
        assertThatThrownBy(() -> RenderedChart.render(null, Map.of("image.tag", "latest")))
                .hasMessageContaining("image");
    }

    @Test
    void valuesSchemaRejectsAnUnknownSecurityProtocol() {
        assertThatThrownBy(() -> RenderedChart.render(null, Map.of("kafka.security.protocol", "SASL_MAGIC")))
                .hasMessageContaining("protocol");
    }

    @Test
    void processorIsAStatefulSetWithItsStateDirOnAPersistentVolume() {
        for (RenderedChart chart : List.of(defaults, production)) {
            StatefulSet processor = chart.get(StatefulSet.class, "relay-consent-relay-processor");
            assertThat(processor.getSpec().getServiceName()).isEqualTo("relay-consent-relay-processor-headless");
            assertThat(processor.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
                assertThat(claim.getMetadata().getName()).isEqualTo("state");
                assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            });
            Container container = container(processor.getSpec().getTemplate().getSpec());
            assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
                assertThat(mount.getName()).isEqualTo("state");
                assertThat(mount.getMountPath()).isEqualTo(STATE_DIR);
            });
            assertThat(env(container, "KAFKA_STREAMS_STATE_DIR").getValue()).isEqualTo(STATE_DIR);
            assertThat(properties(chart, "relay-consent-relay-processor"))
                    .containsEntry("kafka-streams.state.dir", STATE_DIR);
            assertThat(processor.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                    .isGreaterThanOrEqualTo(120L);
        }
        StatefulSet scaled = production.get(StatefulSet.class, "relay-consent-relay-processor");
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
        assertThat(scaled.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
                .isEqualTo("fast-ssd");
    }

    @Test
    void processorGetsWhatKafkaStreamsNeedsFromThePod() {
        for (RenderedChart chart : List.of(defaults, production)) {
            Container container = container(
                    chart.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec());
            assertThat(env(container, "POD_NAME").getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.name");
            assertThat(env(container, "POD_IP").getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("status.podIP");
            assertThat(env(container, "CONSENT_RELAY_ROLE").getValue()).isEqualTo("processor");
            assertThat(env(container, "KAFKA_STREAMS_GROUP_INSTANCE_ID").getValue()).isEqualTo("$(POD_NAME)");
            assertThat(env(container, "KAFKA_STREAMS_APPLICATION_SERVER").getValue()).isEqualTo("$(POD_IP):9091");
            assertThat(env(container, "KAFKA_BOOTSTRAP_SERVERS").getValue()).isNotBlank();
            assertThat(env(container, "QUARKUS_CONFIG_LOCATIONS").getValue())
                    .contains("file:/etc/consent-relay/config/application.properties")
                    .contains("file:/etc/consent-relay/policy/policy.properties");
            assertThat(env(container, "JAVA_OPTS_APPEND").getValue()).contains("-Xmx");
            assertThat(properties(chart, "relay-consent-relay-processor"))
                    .containsEntry("consent-relay.role", "processor")
                    .containsEntry("kafka.bootstrap.servers", "${KAFKA_BOOTSTRAP_SERVERS}")
                    .containsEntry("kafka-streams.group.instance.id", "${POD_NAME}")
                    .containsEntry("kafka-streams.application.server", "${POD_IP}:9091")
                    .containsEntry("consent-relay.internal.port", "9091");
        }
        assertThat(properties(defaults, "relay-consent-relay-processor"))
                .containsEntry("kafka-streams.num.standby.replicas", "0");
        assertThat(properties(production, "relay-consent-relay-processor"))
                .containsEntry("kafka-streams.num.standby.replicas", "1");
    }

    @Test
    void probesUseTheQuarkusHealthEndpoints() {
        for (RenderedChart chart : List.of(defaults, production)) {
            for (PodSpec pod : pods(chart)) {
                Container container = container(pod);
                assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
                assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
                assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
                assertThat(container.getPorts())
                        .anySatisfy(port -> assertThat(port.getContainerPort()).isEqualTo(8080));
            }
        }
    }

    @Test
    void podsRunNonRootReadOnlyWithoutCapabilitiesOrServiceAccountToken() {
        for (RenderedChart chart : List.of(defaults, production)) {
            for (PodSpec pod : pods(chart)) {
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(pod.getAutomountServiceAccountToken()).isFalse();
                var security = container(pod).getSecurityContext();
                assertThat(security.getRunAsNonRoot()).isTrue();
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(container(pod).getVolumeMounts())
                        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
                assertThat(pod.getVolumes()).anySatisfy(volume -> {
                    assertThat(volume.getName()).isEqualTo("tmp");
                    assertThat(volume.getEmptyDir()).isNotNull();
                });
                assertThat(container(pod).getImage()).doesNotEndWith(":latest").matches(".+:[0-9][^:]*");
                assertThat(container(pod).getResources().getLimits()).containsKey("memory");
            }
            assertThat(chart.get(ServiceAccount.class, "relay-consent-relay").getAutomountServiceAccountToken())
                    .isFalse();
        }
    }

    @Test
    void connectorsRunAsADeploymentOfTheSameImageWithTheConnectorRole() {
        for (RenderedChart chart : List.of(defaults, production)) {
            Deployment connector = chart.get(Deployment.class, "relay-consent-relay-connector");
            Container container = container(connector.getSpec().getTemplate().getSpec());
            assertThat(env(container, "CONSENT_RELAY_ROLE").getValue()).isEqualTo("connector");
            assertThat(container.getImage()).isEqualTo(container(
                    chart.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec())
                    .getImage());
            assertThat(properties(chart, "relay-consent-relay-connector"))
                    .containsEntry("consent-relay.role", "connector");
        }
        assertThat(properties(production, "relay-consent-relay-connector"))
                .containsEntry("consent-relay.connectors.vendors.mailer.url",
                        "https://api.mailer.example.com/v1/suppressions");
    }

    @Test
    void servicesAndDisruptionBudgetsCoverBothRoles() {
        Service headless = defaults.get(Service.class, "relay-consent-relay-processor-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(defaults.get(Service.class, "relay-consent-relay").getSpec().getSelector())
                .containsEntry("app.kubernetes.io/component", "processor");
        for (String role : List.of("processor", "connector")) {
            PodDisruptionBudget pdb = production.get(PodDisruptionBudget.class, "relay-consent-relay-" + role);
            assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", role);
        }
    }

    @Test
    void onlyTheProcessorPodsReachTheInstancePortWithATokenFromASecretWhileTheApiStaysOpen() {
        NetworkPolicy policy = defaults.get(NetworkPolicy.class, "relay-consent-relay-processor");
        Map<String, String> processors = policy.getSpec().getPodSelector().getMatchLabels();
        assertThat(processors).containsEntry("app.kubernetes.io/component", "processor");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).hasSize(2);
        assertThat(policy.getSpec().getIngress().get(0).getFrom()).as("the API, from anywhere").isNullOrEmpty();
        assertThat(policy.getSpec().getIngress().get(0).getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
        assertThat(policy.getSpec().getIngress().get(1).getFrom()).singleElement()
                .satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(processors));
        assertThat(policy.getSpec().getIngress().get(1).getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("internal"));

        Container container = container(
                defaults.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec());
        assertThat(container.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("internal");
            assertThat(port.getContainerPort()).isEqualTo(9091);
        });
        assertThat(env(container, "CONSENT_RELAY_INTERNAL_TOKEN").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("consent-relay-instance-token");
        assertThat(env(container, "KAFKA_STREAMS_APPLICATION_SERVER").getValue()).isEqualTo("$(POD_IP):9091");
        assertThat(defaults.get(Service.class, "relay-consent-relay-processor-headless").getSpec().getPorts())
                .extracting(port -> port.getName()).containsExactly("http", "internal");
    }

    @Test
    void tlsBetweenInstancesMountsItsStoresWhenASecretIsGiven() throws Exception {
        RenderedChart chart = RenderedChart.render(null, Map.of("internal.tls.existingSecret", "relay-internal-tls"));
        assertThat(properties(chart, "relay-consent-relay-processor"))
                .containsEntry("consent-relay.internal.key-store-path", "/etc/consent-relay/internal-tls/keystore.p12")
                .containsEntry("consent-relay.internal.trust-store-path",
                        "/etc/consent-relay/internal-tls/truststore.p12");
        PodSpec pod = chart.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals("internal-tls")).singleElement()
                .satisfies(volume -> assertThat(volume.getSecret().getSecretName()).isEqualTo("relay-internal-tls"));
        assertThat(env(container(pod), "CONSENT_RELAY_INTERNAL_KEY_STORE_PASSWORD").getValueFrom().getSecretKeyRef()
                .getName()).isEqualTo("relay-internal-tls");
    }

    @Test
    void eachApiKeyAndEachWebhookSecretComesFromASecretAndNoneIsInAConfigMap() {
        assertThat(properties(production, "relay-consent-relay-processor"))
                .containsEntry("consent-relay.api.keys.platform.key", "${CONSENT_RELAY_API_KEY_PLATFORM}")
                .containsEntry("consent-relay.api.keys.platform.roles", "ingest,read")
                .containsEntry("consent-relay.api.keys.privacy-team.roles", "read,admin");
        assertThat(properties(production, "relay-consent-relay-connector"))
                .containsEntry("consent-relay.connectors.vendors.mailer.secret",
                        "${CONSENT_RELAY_WEBHOOK_SECRET_MAILER}");
        Container connector = container(
                production.get(Deployment.class, "relay-consent-relay-connector").getSpec().getTemplate().getSpec());
        assertThat(env(connector, "CONSENT_RELAY_WEBHOOK_SECRET_MAILER").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("consent-relay-webhook-secrets");
                    assertThat(ref.getKey()).isEqualTo("mailer");
                });
        assertThatThrownBy(() -> RenderedChart.render(null, Map.of("connector.vendors.mailer.secret", "s3cret")))
                .hasMessageContaining("does not belong in a ConfigMap");
    }

    @Test
    void theIdentifierKeyComesFromASecretAndTheChartRefusesToRenderWithoutOne() {
        Container container = container(
                defaults.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec());
        assertThat(env(container, "CONSENT_RELAY_PRIVACY_IDENTIFIER_KEY").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("consent-relay-identifier-key");
                    assertThat(ref.getKey()).isEqualTo("identifier-key");
                });
        assertThatThrownBy(() -> RenderedChart.render(null, Map.of("privacy.identifierKey.existingSecret", "")))
                .hasMessageContaining("existingSecret");
    }

    @Test
    void saslScramCredentialsComeFromSecretsAndReachStreamsAndTheOtherClients() {
        Container container = container(
                production.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec());
        assertThat(env(container, "KAFKA_SASL_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("consent-relay-kafka");
        assertThat(env(container, "SCHEMA_REGISTRY_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("consent-relay-registry");
        assertThat(env(container, "CONSENT_RELAY_API_KEY_PRIVACY_TEAM").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("consent-relay-api-keys");
                    assertThat(ref.getKey()).isEqualTo("privacy-team");
                });
        Properties properties = properties(production, "relay-consent-relay-processor");
        for (String prefix : List.of("kafka.", "kafka-streams.")) {
            assertThat(properties).containsEntry(prefix + "security.protocol", "SASL_SSL")
                    .containsEntry(prefix + "sasl.mechanism", "SCRAM-SHA-512");
            assertThat(properties.getProperty(prefix + "sasl.jaas.config")).contains("ScramLoginModule")
                    .contains("${KAFKA_SASL_PASSWORD}");
        }
        assertThat(properties).containsEntry("consent-relay.api.keys.platform.key", "${CONSENT_RELAY_API_KEY_PLATFORM}")
                .containsEntry("quarkus.oidc.auth-server-url", "https://sso.example.com/realms/privacy")
                .containsEntry("quarkus.oidc.token.audience", "consent-relay")
                .containsEntry("quarkus.oidc.roles.role-claim-path", "realm_access.roles")
                .containsEntry("consent-relay.api.oidc.role-mapping.\"privacy-team\"", "read,admin")
                .containsEntry("consent-relay.api.oidc.role-mapping.\"crm-service\"", "ingest")
                .containsEntry("consent-relay.schema-registry.basic-auth-password", "${SCHEMA_REGISTRY_PASSWORD}")
                .containsEntry("consent-relay.processing.vendors-file", "/etc/consent-relay/vendors/vendors.yaml");
        assertThat(production.get(ConfigMap.class, "relay-consent-relay-vendors").getData().get("vendors.yaml"))
                .contains("id: mailer");
        assertThat(properties(defaults, "relay-consent-relay-processor")).doesNotContainKey("kafka.security.protocol");
        // Nothing secret is rendered into the manifests.
        assertThat(production.manifest).doesNotContainPattern("(?i)password=\"[^$]");
    }

    @Test
    void monitoringIsOffByDefaultAndCompleteWhenEnabled() throws Exception {
        assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();
        assertThat(defaults.ofKind("PrometheusRule")).isEmpty();

        assertThat(production.ofKind("ServiceMonitor")).singleElement().satisfies(monitor -> {
            assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
            assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        });
        JsonNode rule = production.ofKind("PrometheusRule").get(0);
        assertThat(rule.findValuesAsText("alert")).containsExactlyInAnyOrder("ConsentSlaBreaches",
                "ConsentPropagationP99OverTarget", "ConsentOldestPendingCommandTooOld", "ConsentDeadLettersGrowing",
                "ConsentStreamsNotRunning");
        assertThat(rule.findValuesAsText("expr")).anySatisfy(expr -> assertThat(expr)
                .contains("consent_propagation_latency_seconds_bucket").endsWith("> 900"));

        ConfigMap dashboard = production.get(ConfigMap.class, "relay-consent-relay-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("consent-relay.json"));
        assertThat(json.path("uid").asText()).isEqualTo("consent-relay");
        assertThat(json.path("panels").findValuesAsText("title")).contains("Propagation latency p99 per vendor",
                "Pending commands per vendor", "SLA breaches per vendor", "Decisions per second by outcome",
                "Commands issued per second");
    }

    private static List<PodSpec> pods(RenderedChart chart) {
        return List.of(
                chart.get(StatefulSet.class, "relay-consent-relay-processor").getSpec().getTemplate().getSpec(),
                chart.get(Deployment.class, "relay-consent-relay-connector").getSpec().getTemplate().getSpec());
    }

    private static Container container(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(env -> env.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
    }

    private static Properties properties(RenderedChart chart, String configMap) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(
                    chart.get(ConfigMap.class, configMap).getData().get("application.properties")));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }
}
