package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules query only metrics the code registers: every {@code
 * shardeddb_*} name they use is derived, the way Micrometer's Prometheus registry names it, from a
 * meter registered in the router, shard-server or operator sources; the only other family is
 * Micronaut's {@code http.server.requests} timer (the router's ContractErrorsTest sees it on
 * /prometheus).
 */
class DashboardMetricsTest {

  /** Meters the frameworks register, by the Prometheus names they get. */
  private static final Set<String> FRAMEWORK =
      Set.of(
          "http_server_requests_seconds_bucket",
          "http_server_requests_seconds_count",
          "http_server_requests_seconds_sum",
          "http_server_requests_seconds_max");

  private static final List<String> SOURCES =
      List.of("router/src/main/java", "shard-server/src/main/java", "operator/src/main/java");

  /** A meter builder or a registry shortcut with its name, up to its register call. */
  private static final Pattern METER =
      Pattern.compile(
          "(Counter|Timer|Gauge|MultiGauge|DistributionSummary)\\.builder\\(\\s*\"([a-z0-9.]+)\""
              + "((?:(?!\\.register\\()[\\s\\S]){0,600})"
              + "|registry\\s*\\.\\s*(counter|timer|summary)\\(\\s*\"([a-z0-9.]+)\"");

  private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\"([a-z]+)\"\\)");

  /** A metric name in PromQL: an identifier followed by a selector or a range. */
  private static final Pattern QUERIED = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*[{\\[]");

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theDashboardParsesAndEveryPanelQueriesSomething() throws IOException {
    JsonNode dashboard = dashboard();

    assertThat(dashboard.get("uid").asText()).isNotBlank();
    assertThat(dashboard.get("panels"))
        .filteredOn(p -> !"row".equals(p.get("type").asText()))
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.path("targets").findValuesAsText("expr"))
                    .as(p.get("title").asText())
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e).isNotBlank()));
  }

  @Test
  void everyMetricTheDashboardQueriesIsRegisteredByTheCode() throws IOException {
    List<String> queries = new ArrayList<>(dashboard().findValuesAsText("expr"));
    dashboard()
        .path("templating")
        .path("list")
        .findValuesAsText("definition")
        .forEach(queries::add);

    assertThat(metricsIn(queries)).isNotEmpty().isSubsetOf(registered());
  }

  @Test
  void everyMetricTheAlertsQueryIsRegisteredByTheCode() {
    PrometheusRule rule =
        chart.render(Map.of("metrics.prometheusRule.enabled", "true")).one(PrometheusRule.class);
    List<String> queries =
        rule.getSpec().getGroups().stream()
            .flatMap(g -> g.getRules().stream())
            .map(r -> r.getExpr().getStrVal())
            .toList();

    assertThat(metricsIn(queries)).isNotEmpty().isSubsetOf(registered());
  }

  @Test
  void everyJobTheDashboardSelectsIsOneThePodMonitorsSet() throws IOException {
    Set<String> jobs = new TreeSet<>();
    Matcher m =
        Pattern.compile("job=\"([^\"]+)\"")
            .matcher(String.join("\n", dashboard().findValuesAsText("expr")));
    while (m.find()) {
      jobs.add(m.group(1));
    }
    Set<String> set = new TreeSet<>();
    chart
        .render(
            Map.of(
                "metrics.podMonitors.enabled", "true", "metrics.podMonitors.perDatabase", "false"))
        .all(PodMonitor.class)
        .forEach(
            monitor ->
                monitor.getSpec().getPodMetricsEndpoints().stream()
                    .flatMap(e -> e.getRelabelings().stream())
                    .filter(r -> "job".equals(r.getTargetLabel()))
                    .forEach(r -> set.add(r.getReplacement())));

    assertThat(jobs).isNotEmpty().isSubsetOf(set);
  }

  @Test
  void theNameDerivationKnowsTheMetersTheDocsName() {
    assertThat(registered())
        .contains(
            "shardeddb_writes_total",
            "shardeddb_replication_lag_entries",
            "shardeddb_write_quorum_latency_seconds_bucket",
            "shardeddb_router_fanout_bucket",
            "shardeddb_operator_shard_epoch",
            "shardeddb_operator_failovers_total",
            "shardeddb_operator_resharding_move_last_progress_timestamp_seconds");
  }

  private JsonNode dashboard() throws IOException {
    return new ObjectMapper()
        .readTree(chart.chartDir().resolve("dashboards/shardeddb.json").toFile());
  }

  private static Set<String> metricsIn(List<String> queries) {
    Set<String> metrics = new TreeSet<>();
    for (String query : queries) {
      // Label values inside quotes are not metric names.
      Matcher m = QUERIED.matcher(query.replaceAll("\"[^\"]*\"", "\"\""));
      while (m.find()) {
        metrics.add(m.group(1));
      }
    }
    return metrics;
  }

  /** Every Prometheus name the sources' meters produce, plus the frameworks'. */
  private Set<String> registered() {
    Set<String> names = new TreeSet<>(FRAMEWORK);
    for (String dir : SOURCES) {
      try (Stream<Path> files = Files.walk(chart.repoRoot().resolve(dir))) {
        files
            .filter(f -> f.toString().endsWith(".java"))
            .forEach(f -> names.addAll(namesIn(read(f))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return names;
  }

  private static Set<String> namesIn(String source) {
    Set<String> names = new TreeSet<>();
    Matcher m = METER.matcher(source);
    while (m.find()) {
      String type = m.group(1) != null ? m.group(1) : m.group(4);
      String base = (m.group(2) != null ? m.group(2) : m.group(5)).replace('.', '_');
      String rest = m.group(3) == null ? "" : m.group(3);
      Matcher unit = BASE_UNIT.matcher(rest);
      String withUnit = unit.find() ? base + "_" + unit.group(1) : base;
      switch (type) {
        case "Counter", "counter" -> names.add(base + "_total");
        case "Timer", "timer" ->
            Stream.of("_bucket", "_count", "_sum", "_max")
                .forEach(s -> names.add(base + "_seconds" + s));
        case "DistributionSummary", "summary" ->
            Stream.of("_bucket", "_count", "_sum", "_max").forEach(s -> names.add(withUnit + s));
        default -> names.add(withUnit);
      }
    }
    return names;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
