package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpointBuilder;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitorBuilder;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfigBuilder;
import io.fabric8.openshift.api.model.monitoring.v1.SafeTLSConfig;
import io.fabric8.openshift.api.model.monitoring.v1.SafeTLSConfigBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.TlsSpec;
import io.shardeddb.operator.cert.TlsPods;
import io.shardeddb.operator.cert.TlsSecrets;
import io.shardeddb.protocol.tls.PemMaterial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The database's own PodMonitor (monitoring.coreos.com/v1, in its namespace, named after it): one
 * endpoint per shard and one for the routers, each scraping {@code /prometheus} on the pods'
 * management port with the database's scrape token ({@code <db>-metrics}, key {@code token}) and,
 * with TLS, verifying the pod against the database's CA ({@code <db>-tls}, key {@code ca.crt}) by a
 * name every pod the endpoint selects carries: the shard's Service name {@code
 * <db>-<shard>.<ns>.svc} ({@link TlsSecrets#shardServerName}; Prometheus takes one server name per
 * endpoint, prometheus/prometheus#4827), the routers' {@code <db>-router.<ns>.svc}. Never {@code
 * insecureSkipVerify}. A router serving the user's certificate ({@code
 * spec.tls.routerCertificateSecret}) is verified against that Secret's {@code ca.crt}; one serving
 * plain HTTP ({@code routerPlainHttp}), or a database without TLS, is scraped over HTTP.
 */
public final class PodMonitorModel {

  /** The key of the scrape token in {@code <db>-metrics}. */
  public static final String TOKEN_KEY = "token";

  /** The PodMonitor's {@code app.kubernetes.io/component}. */
  public static final String COMPONENT = "metrics";

  /** The label selector of the operator's PodMonitors (its informer). */
  public static final String SELECT =
      Labels.MANAGED_BY + "=" + Labels.OPERATOR + "," + Labels.COMPONENT + "=" + COMPONENT;

  private PodMonitorModel() {}

  /** The PodMonitor of {@code db}. */
  public static PodMonitor podMonitor(DatabaseModel db) {
    MetricsScraper.PodMonitors settings = db.scraper().podMonitors();
    Map<String, String> labels = new TreeMap<>(settings.labels());
    labels.putAll(Labels.component(db.name(), COMPONENT));
    List<PodMetricsEndpoint> endpoints = new ArrayList<>();
    TlsSpec tls = db.spec().tlsOrDefault();
    boolean tlsOn = tls.enabledOrDefault();
    for (DesiredShard shard : db.shards()) {
      endpoints.add(
          endpoint(
              settings,
              tlsOn
                  ? tls(
                      ShardedDatabaseResources.tlsSecretName(db.name()),
                      TlsSecrets.shardServerName(db, shard.id()))
                  : null,
              List.of(
                  keep(Labels.COMPONENT, Labels.COMPONENT_SHARD),
                  keep(Labels.SHARD, shard.id()),
                  copy(Labels.INSTANCE, "database"),
                  copy(Labels.SHARD, "shard"),
                  job("shardeddb-shard")),
              db));
    }
    SafeTLSConfig routerTls = null;
    if (tlsOn && !tls.routerPlainHttpOrDefault()) {
      String caSecret =
          TlsPods.servesUsersCertificate(tls)
              ? tls.routerCertificateSecret()
              : ShardedDatabaseResources.tlsSecretName(db.name());
      routerTls = tls(caSecret, TlsSecrets.routerServerName(db));
    }
    endpoints.add(
        endpoint(
            settings,
            routerTls,
            List.of(
                keep(Labels.COMPONENT, Labels.COMPONENT_ROUTER),
                copy(Labels.INSTANCE, "database"),
                job("shardeddb-router")),
            db));
    return new PodMonitorBuilder()
        .withNewMetadata()
        .withName(db.name())
        .withNamespace(db.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(
            new TreeMap<>(Map.of(Labels.MANAGED_BY, Labels.OPERATOR, Labels.INSTANCE, db.name())))
        .endSelector()
        .withPodMetricsEndpoints(endpoints)
        .endSpec()
        .build();
  }

  private static PodMetricsEndpoint endpoint(
      MetricsScraper.PodMonitors settings,
      SafeTLSConfig tls,
      List<RelabelConfig> relabelings,
      DatabaseModel db) {
    return new PodMetricsEndpointBuilder()
        .withPort(ShardedDatabaseResources.MANAGEMENT_PORT_NAME)
        .withPath("/prometheus")
        .withScheme(tls == null ? "http" : "https")
        .withTlsConfig(tls)
        .withNewAuthorization()
        .withType("Bearer")
        .withCredentials(
            new SecretKeySelector(
                TOKEN_KEY, ShardedDatabaseResources.metricsAuthSecretName(db.name()), false))
        .endAuthorization()
        .withInterval(settings.interval())
        .withScrapeTimeout(settings.scrapeTimeout())
        .withRelabelings(relabelings)
        .build();
  }

  private static SafeTLSConfig tls(String caSecret, String serverName) {
    return new SafeTLSConfigBuilder()
        .withNewCa()
        .withSecret(new SecretKeySelector(PemMaterial.CA_FILE, caSecret, false))
        .endCa()
        .withServerName(serverName)
        .withInsecureSkipVerify(false)
        .build();
  }

  /** Keeps only the targets whose pod label {@code label} is {@code value}. */
  private static RelabelConfig keep(String label, String value) {
    return new RelabelConfigBuilder()
        .withAction("keep")
        .withSourceLabels(List.of(podLabel(label)))
        .withRegex(value) // shard ids and components are DNS labels: no regex metacharacters
        .build();
  }

  private static RelabelConfig copy(String label, String target) {
    return new RelabelConfigBuilder()
        .withAction("replace")
        .withSourceLabels(List.of(podLabel(label)))
        .withTargetLabel(target)
        .build();
  }

  private static RelabelConfig job(String job) {
    return new RelabelConfigBuilder()
        .withAction("replace")
        .withTargetLabel("job")
        .withReplacement(job)
        .build();
  }

  /** Prometheus's meta label of pod label {@code label}. */
  static String podLabel(String label) {
    return "__meta_kubernetes_pod_label_" + label.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
