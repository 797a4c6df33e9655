package io.shardeddb.operator;

import io.shardeddb.operator.model.MetricsScraper;
import io.shardeddb.operator.model.NetworkAccess;
import io.shardeddb.operator.reconciler.ResyncIntervals;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every knob of the operator, typed. Each is a {@link Setting}: a property name, the environment
 * variable derived from it, a default and a one-line description (docs/settings.md lists them all;
 * {@code SettingsDocumentationTest} keeps that list true).
 */
public record OperatorConfig(
    boolean leaderElection,
    String leaseNamespace,
    int managementPort,
    Set<String> watchNamespaces,
    String operatorNamespace,
    Duration settledResync,
    Duration busyResync,
    Duration failoverWatch,
    int heartbeatThreads,
    Duration heartbeatPollPeriod,
    String metricsScraperNamespace,
    Map<String, String> metricsScraperPodLabels,
    String metricsScraperTokenSecret,
    boolean podMonitors,
    Map<String, String> podMonitorLabels,
    String podMonitorInterval,
    String podMonitorScrapeTimeout,
    boolean egressPolicies,
    List<Integer> apiServerPorts,
    List<String> apiServerCidrs,
    Duration caValidity,
    Duration caOverlap,
    String tracesOtlpEndpoint) {

  /** One knob: read from its system property, else its environment variable, else the default. */
  public enum Setting {
    LEADER_ELECTION(
        "leaderElection",
        "shardeddb.leader-election",
        "true",
        "Only the replica holding the Lease `shardeddb-operator` reconciles."),
    LEASE_NAMESPACE(
        "leaseNamespace",
        "shardeddb.lease-namespace",
        "",
        "Namespace of the leader-election Lease; empty: the operator's own (`POD_NAMESPACE`)."),
    MANAGEMENT_PORT(
        "managementPort",
        "shardeddb.management-port",
        "8090",
        "Port of /metrics, /health/liveness and /health/readiness; 0 disables it, -1 picks a"
            + " free loopback port."),
    WATCH_NAMESPACES(
        "watchNamespaces",
        "shardeddb.watch-namespaces",
        "",
        "Comma-separated namespaces to watch; empty: every namespace."),
    OPERATOR_NAMESPACE(
        "operatorNamespace",
        "pod.namespace",
        "",
        "The operator's own namespace (downward API); shard NetworkPolicies admit the operator"
            + " from there only, or from any namespace when empty."),
    SETTLED_RESYNC(
        "settledResync",
        "shardeddb.settled-resync",
        "5s",
        "How often a settled database is reconciled again (heartbeats, status)."),
    BUSY_RESYNC(
        "busyResync",
        "shardeddb.busy-resync",
        "2s",
        "How often a database that is bringing up, copying or rolling is reconciled again."),
    FAILOVER_WATCH(
        "failoverWatch",
        "shardeddb.failover-watch",
        "500ms",
        "How often a shard whose primary is unavailable is checked while failover is pending."),
    HEARTBEAT_THREADS(
        "heartbeatThreads",
        "shardeddb.heartbeat-threads",
        "8",
        "Threads that send heartbeats and role calls to shard-servers in parallel (as many again"
            + " poll heartbeats between passes)."),
    HEARTBEAT_POLL_PERIOD(
        "heartbeatPollPeriod",
        "shardeddb.heartbeat-poll-period",
        "1s",
        "How often each shard-server is asked for its heartbeat between passes; a change a pass"
            + " decides from triggers one (docs/operator.md)."),
    METRICS_SCRAPER_NAMESPACE(
        "metricsScraperNamespace",
        "shardeddb.metrics-scraper.namespace",
        "",
        "Namespace of the Prometheus pods shard NetworkPolicies admit on the metrics port; empty:"
            + " any namespace (docs/monitoring.md)."),
    METRICS_SCRAPER_POD_LABELS(
        "metricsScraperPodLabels",
        "shardeddb.metrics-scraper.pod-labels",
        "",
        "Labels (`key=value,...`) of the Prometheus pods shard NetworkPolicies admit on the"
            + " metrics port; empty: no scraper is admitted."),
    METRICS_SCRAPER_TOKEN_SECRET(
        "metricsScraperTokenSecret",
        "shardeddb.metrics-scraper.token-secret",
        "",
        "`name` or `name/key` of the Secret in the operator's namespace whose token the chart's"
            + " PodMonitors send (created with a random `token` when absent): added to every"
            + " `<db>-metrics` Secret under the key `scraper`; empty: none (docs/monitoring.md)."),
    POD_MONITORS(
        "podMonitors",
        "shardeddb.metrics.pod-monitors",
        "false",
        "Whether the operator writes each database a PodMonitor of its own (when the"
            + " monitoring.coreos.com PodMonitor API is served): the database's CA, its pods'"
            + " names and its own scrape token, no insecureSkipVerify (docs/monitoring.md)."),
    POD_MONITOR_LABELS(
        "podMonitorLabels",
        "shardeddb.metrics.pod-monitor-labels",
        "",
        "Labels (`key=value,...`) of the per-database PodMonitors, e.g. what a Prometheus"
            + " selects PodMonitors by."),
    POD_MONITOR_INTERVAL(
        "podMonitorInterval",
        "shardeddb.metrics.pod-monitor-interval",
        "30s",
        "Scrape interval of the per-database PodMonitors."),
    POD_MONITOR_SCRAPE_TIMEOUT(
        "podMonitorScrapeTimeout",
        "shardeddb.metrics.pod-monitor-scrape-timeout",
        "10s",
        "Scrape timeout of the per-database PodMonitors."),
    EGRESS_POLICIES(
        "egressPolicies",
        "shardeddb.network-policy.egress",
        "true",
        "Whether the NetworkPolicies restrict the pods' outgoing connections too (shard pods: the"
            + " database's shard pods, DNS, the backup store's port; routers: the shard pods, DNS,"
            + " the API server); false: ingress rules only (docs/security.md)."),
    API_SERVER_PORTS(
        "apiServerPorts",
        "shardeddb.network-policy.api-server-ports",
        "443,6443",
        "The Kubernetes API server's ports (after the `kubernetes` Service's translation) that"
            + " routers' egress rules admit."),
    API_SERVER_CIDRS(
        "apiServerCidrs",
        "shardeddb.network-policy.api-server-cidrs",
        "",
        "Comma-separated CIDRs of the Kubernetes API server (the `kubernetes` Service's endpoint"
            + " addresses, e.g. `10.0.0.5/32`) that routers' egress rules admit on its ports;"
            + " empty: any address on those ports (docs/security.md)."),
    CA_VALIDITY(
        "caValidity",
        "shardeddb.tls.ca-validity",
        "365d",
        "How long a CA the operator makes for a database is valid; it is rotated with a third of"
            + " it left (docs/security.md)."),
    CA_OVERLAP(
        "caOverlap",
        "shardeddb.tls.ca-overlap",
        "5m",
        "How long each step of a CA rotation waits: the new CA is trusted everywhere before"
            + " certificates are issued from it, and the old one until they all were"
            + " (docs/security.md)."),
    TRACES_OTLP_ENDPOINT(
        "tracesOtlpEndpoint",
        "shardeddb.traces.otlp-endpoint",
        "",
        "The OTLP/HTTP collector (e.g. `http://otel-collector.monitoring:4318`) every router and"
            + " shard-server pod exports its traces to, as `OTEL_EXPORTER_OTLP_ENDPOINT`, with"
            + " egress admitted to its port; empty: traces off (docs/monitoring.md).");

    private final String component;
    private final String property;
    private final String defaultValue;
    private final String description;

    Setting(String component, String property, String defaultValue, String description) {
      this.component = component;
      this.property = property;
      this.defaultValue = defaultValue;
      this.description = description;
    }

    /** The {@link OperatorConfig} component this setting fills. */
    public String component() {
      return component;
    }

    /** The system property, e.g. {@code shardeddb.management-port}. */
    public String property() {
      return property;
    }

    /** The environment variable: the property upper-cased, dots and dashes as underscores. */
    public String environmentVariable() {
      return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value used when neither the property nor the variable is set ("" means none). */
    public String defaultValue() {
      return defaultValue;
    }

    /** What the setting does, in one line. */
    public String description() {
      return description;
    }
  }

  public OperatorConfig {
    watchNamespaces = watchNamespaces == null ? Set.of() : Set.copyOf(watchNamespaces);
    metricsScraperPodLabels =
        metricsScraperPodLabels == null ? Map.of() : Map.copyOf(metricsScraperPodLabels);
    podMonitorLabels = podMonitorLabels == null ? Map.of() : Map.copyOf(podMonitorLabels);
    apiServerPorts =
        apiServerPorts == null
            ? NetworkAccess.DEFAULT_API_SERVER_PORTS
            : List.copyOf(apiServerPorts);
    apiServerCidrs = apiServerCidrs == null ? List.of() : List.copyOf(apiServerCidrs);
  }

  /** The pods shard NetworkPolicies admit on the metrics port. */
  public MetricsScraper metricsScraper() {
    return new MetricsScraper(
        metricsScraperNamespace, metricsScraperPodLabels, null, podMonitorSettings());
  }

  /** The per-database PodMonitors the operator writes (settings {@code shardeddb.metrics.*}). */
  public MetricsScraper.PodMonitors podMonitorSettings() {
    return new MetricsScraper.PodMonitors(
        podMonitors, podMonitorLabels, podMonitorInterval, podMonitorScrapeTimeout);
  }

  /** What the databases' NetworkPolicies admit besides their own pods and the operator. */
  public NetworkAccess networkAccess() {
    return new NetworkAccess(
        metricsScraper(), egressPolicies, apiServerPorts, apiServerCidrs, tracesOtlpEndpoint);
  }

  /** The configuration of a container: system properties, then the environment, then defaults. */
  public static OperatorConfig fromSystem() {
    return from(System::getProperty, System::getenv);
  }

  /**
   * In-process use (local mode, tests): no leader election, no management port, the environment
   * ignored; {@code properties} (by property name) override the defaults.
   */
  public static OperatorConfig inProcess(Map<String, String> properties) {
    Map<String, String> inProcess =
        Map.of(
            Setting.LEADER_ELECTION.property(), "false",
            Setting.MANAGEMENT_PORT.property(), "0");
    return from(k -> properties.getOrDefault(k, inProcess.get(k)), k -> null);
  }

  /** Reads every setting by property name, then by environment variable, then its default. */
  public static OperatorConfig from(
      Function<String, String> properties, Function<String, String> environment) {
    Function<Setting, String> read =
        s -> {
          String value = properties.apply(s.property());
          if (value == null) {
            value = environment.apply(s.environmentVariable());
          }
          return value == null || value.isBlank() ? s.defaultValue() : value.trim();
        };
    String operatorNamespace = blankToNull(read.apply(Setting.OPERATOR_NAMESPACE));
    String leaseNamespace = blankToNull(read.apply(Setting.LEASE_NAMESPACE));
    return new OperatorConfig(
        Boolean.parseBoolean(read.apply(Setting.LEADER_ELECTION)),
        leaseNamespace != null ? leaseNamespace : operatorNamespace,
        Integer.parseInt(read.apply(Setting.MANAGEMENT_PORT)),
        parseWatchNamespaces(read.apply(Setting.WATCH_NAMESPACES)),
        operatorNamespace,
        parseDuration(Setting.SETTLED_RESYNC, read.apply(Setting.SETTLED_RESYNC)),
        parseDuration(Setting.BUSY_RESYNC, read.apply(Setting.BUSY_RESYNC)),
        parseDuration(Setting.FAILOVER_WATCH, read.apply(Setting.FAILOVER_WATCH)),
        Integer.parseInt(read.apply(Setting.HEARTBEAT_THREADS)),
        parseDuration(Setting.HEARTBEAT_POLL_PERIOD, read.apply(Setting.HEARTBEAT_POLL_PERIOD)),
        blankToNull(read.apply(Setting.METRICS_SCRAPER_NAMESPACE)),
        MetricsScraper.parse(null, read.apply(Setting.METRICS_SCRAPER_POD_LABELS)).podLabels(),
        blankToNull(read.apply(Setting.METRICS_SCRAPER_TOKEN_SECRET)),
        Boolean.parseBoolean(read.apply(Setting.POD_MONITORS)),
        MetricsScraper.labels(read.apply(Setting.POD_MONITOR_LABELS)),
        read.apply(Setting.POD_MONITOR_INTERVAL),
        read.apply(Setting.POD_MONITOR_SCRAPE_TIMEOUT),
        Boolean.parseBoolean(read.apply(Setting.EGRESS_POLICIES)),
        NetworkAccess.parsePorts(read.apply(Setting.API_SERVER_PORTS)),
        NetworkAccess.parseCidrs(read.apply(Setting.API_SERVER_CIDRS)),
        parseDuration(Setting.CA_VALIDITY, read.apply(Setting.CA_VALIDITY)),
        parseDuration(Setting.CA_OVERLAP, read.apply(Setting.CA_OVERLAP)),
        blankToNull(read.apply(Setting.TRACES_OTLP_ENDPOINT)));
  }

  /** The reconciler's re-trigger intervals. */
  public ResyncIntervals resyncIntervals() {
    return new ResyncIntervals(settledResync, busyResync, failoverWatch);
  }

  /** A comma-separated list of namespaces; null or blank means every namespace. */
  public static Set<String> parseWatchNamespaces(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    for (String ns : value.split(",")) {
      if (!ns.isBlank()) {
        out.add(ns.trim());
      }
    }
    return out;
  }

  /**
   * A duration as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 30d} or ISO-8601
   * ({@code PT5S}).
   */
  static Duration parseDuration(Setting setting, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          setting.environmentVariable()
              + ": '"
              + value
              + "' is not a duration (e.g. 500ms, 5s, 2m, PT5S)",
          e);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
