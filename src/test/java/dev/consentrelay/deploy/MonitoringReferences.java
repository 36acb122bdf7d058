package dev.consentrelay.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The metric names the Grafana dashboard and the alert rules query, read from the files that ship: the chart's
 * dashboard JSON, the chart's rendered PrometheusRule and the compose stack's Prometheus rules.
 */
final class MonitoringReferences {

    /** Series names in PromQL: the service's own metrics and the Kafka client metrics Micrometer binds. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:consent|kafka)_[a-z0-9_]+)\\b");

    private MonitoringReferences() {
    }

    static Set<String> referencedMetricNames() throws Exception {
        Set<String> names = new TreeSet<>();
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of("helm/consent-relay/files/dashboards/consent-relay.json").toFile());
        dashboard.findValues("expr").forEach(expr -> names.addAll(metricNames(expr.asText())));
        dashboard.findValues("definition").forEach(query -> names.addAll(metricNames(query.asText())));
        RenderedChart chart = RenderedChart.render(null, Map.of("metrics.prometheusRule.enabled", true));
        chart.ofKind("PrometheusRule").forEach(rule -> rule.findValues("expr")
                .forEach(expr -> names.addAll(metricNames(expr.asText()))));
        new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/prometheus/alerts.yml").toFile())
                .findValues("expr").forEach(expr -> names.addAll(metricNames(expr.asText())));
        return names;
    }

    static Set<String> metricNames(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(promql);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** Sample names of a Prometheus text exposition ({@code name{labels} value} or {@code name value}). */
    static Set<String> exportedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
