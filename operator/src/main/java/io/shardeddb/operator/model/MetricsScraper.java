package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pods that scrape the shard-servers' {@code /prometheus} (Prometheus, through the chart's
 * PodMonitor): shard NetworkPolicies admit them on the metrics port. No pod labels: nobody is
 * admitted (the default, least privilege). No namespace: those pods in any namespace. {@code
 * token}: the bearer token the chart's PodMonitors send, which every database's scrape credential
 * Secret also holds (null: none; the user's own scrape config uses a key of {@code <db>-metrics}).
 * {@code podMonitors}: whether the operator writes each database a PodMonitor of its own that
 * verifies the pods and sends the database's own token ({@link PodMonitorModel}).
 */
public record MetricsScraper(
    String namespace, Map<String, String> podLabels, String token, PodMonitors podMonitors) {

  /** No scraper is admitted. */
  public static final MetricsScraper NONE = new MetricsScraper(null, Map.of());

  /**
   * The per-database PodMonitors: written when {@code enabled} (and the PodMonitor API is served),
   * with {@code labels} (what the Prometheus selects PodMonitors by), scraping every {@code
   * interval} with {@code scrapeTimeout}.
   */
  public record PodMonitors(
      boolean enabled, Map<String, String> labels, String interval, String scrapeTimeout) {

    /** None written. */
    public static final PodMonitors OFF = new PodMonitors(false, Map.of(), null, null);

    public PodMonitors {
      labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
      interval = interval == null || interval.isBlank() ? "30s" : interval.trim();
      scrapeTimeout =
          scrapeTimeout == null || scrapeTimeout.isBlank() ? "10s" : scrapeTimeout.trim();
    }
  }

  public MetricsScraper {
    namespace = namespace == null || namespace.isBlank() ? null : namespace.trim();
    podLabels = podLabels == null ? Map.of() : Map.copyOf(new TreeMap<>(podLabels));
    token = token == null || token.isBlank() ? null : token.trim();
    podMonitors = podMonitors == null ? PodMonitors.OFF : podMonitors;
  }

  /** A scraper that sends no token of the chart's. */
  public MetricsScraper(String namespace, Map<String, String> podLabels) {
    this(namespace, podLabels, null, PodMonitors.OFF);
  }

  /** A scraper without per-database PodMonitors. */
  public MetricsScraper(String namespace, Map<String, String> podLabels, String token) {
    this(namespace, podLabels, token, PodMonitors.OFF);
  }

  /** This scraper sending {@code token} (the chart's scrape-token Secret; blank: none). */
  public MetricsScraper withToken(String token) {
    return new MetricsScraper(namespace, podLabels, token, podMonitors);
  }

  /** This scraper with per-database PodMonitors as {@code podMonitors}. */
  public MetricsScraper withPodMonitors(PodMonitors podMonitors) {
    return new MetricsScraper(namespace, podLabels, token, podMonitors);
  }

  /**
   * The scraper from the operator's settings: {@code podLabels} as {@code key=value,key=value}
   * (blank: none admitted).
   *
   * @throws IllegalArgumentException naming an entry that is not {@code key=value}
   */
  public static MetricsScraper parse(String namespace, String podLabels) {
    return new MetricsScraper(namespace, labels(podLabels));
  }

  /**
   * Labels as {@code key=value,key=value} (blank: none).
   *
   * @throws IllegalArgumentException naming an entry that is not {@code key=value}
   */
  public static Map<String, String> labels(String podLabels) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (podLabels != null) {
      for (String entry : podLabels.split(",")) {
        if (entry.isBlank()) {
          continue;
        }
        int eq = entry.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "metrics scraper pod labels: '" + entry.trim() + "' is not key=value");
        }
        labels.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
      }
    }
    return labels;
  }

  /** Whether any pod is admitted. */
  public boolean admitsAny() {
    return !podLabels.isEmpty();
  }

  /** The NetworkPolicy peer matching the scraper's pods, or empty when none is admitted. */
  public Optional<NetworkPolicyPeer> peer() {
    if (!admitsAny()) {
      return Optional.empty();
    }
    // The namespace by the label every namespace carries since Kubernetes 1.21; an empty
    // selector means every namespace.
    LabelSelector namespaces =
        namespace == null
            ? new LabelSelector()
            : new LabelSelectorBuilder()
                .withMatchLabels(Map.of(NetworkPolicies.NAMESPACE_NAME_LABEL, namespace))
                .build();
    return Optional.of(
        new NetworkPolicyPeerBuilder()
            .withNamespaceSelector(namespaces)
            .withNewPodSelector()
            .withMatchLabels(podLabels)
            .endPodSelector()
            .build());
  }
}
