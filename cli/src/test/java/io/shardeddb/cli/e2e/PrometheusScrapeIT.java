package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.MetricsScraper;
import io.shardeddb.operator.model.PodMonitorModel;
import io.shardeddb.protocol.tls.PeerNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes a local-mode database (TLS on, the default) the way the documented
 * scrape config does (docs/monitoring.md, "Scraping the management port"): every pod's management
 * port over HTTPS, verified against the database's CA with the pod's certificate name, with the
 * bearer token of {@code <db>-metrics} from a file. Every such target is up and a {@code
 * shardeddb_} series is stored; a job without the token is down. Prometheus is Debian's binary (on
 * the PATH, or unpacked into {@code ~/.cache/shardeddb/prometheus-deb}: {@link #prometheusBinary}),
 * listening on loopback, stopped at the end.
 *
 * <p>The operator's per-database PodMonitor ({@link PodMonitorModel}) is checked here too: each of
 * its endpoints becomes a Prometheus job with exactly its TLS settings (the CA of the Secret its
 * {@code tlsConfig.ca.secret} names, its one {@code serverName} for every pod the endpoint keeps,
 * the token its {@code authorization.credentials} names, no {@code insecure_skip_verify}), and
 * every such target is up; and a plain JDK TLS client with those same settings (SNI and host-name
 * verification against the serverName) gets metrics, 401 without the token, and a refused handshake
 * when it expects another shard's name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String DB = "tlsdb";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PodMonitor podMonitor;
  private int podMonitorTargets;
  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private Process prometheus;
  private int port;

  @BeforeAll
  void start(@TempDir Path dataDir, @TempDir Path promDir) throws Exception {
    Optional<Path> binary = prometheusBinary();
    Assumptions.assumeTrue(
        binary.isPresent(),
        "no prometheus binary on the PATH or in ~/.cache/shardeddb/prometheus-deb, and"
            + " Debian's package could not be fetched there");
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/tls.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);

    Files.writeString(
        promDir.resolve("ca.crt"), secret(ShardedDatabaseResources.tlsSecretName(DB), "ca.crt"));
    Files.writeString(
        promDir.resolve("token"),
        secret(ShardedDatabaseResources.metricsAuthSecretName(DB), "token"));
    podMonitor = podMonitor();
    Files.writeString(promDir.resolve("prometheus.yml"), config(promDir) + podMonitorJobs(promDir));
    port = freePort();
    prometheus =
        new ProcessBuilder(
                binary.get().toString(),
                "--config.file=" + promDir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + promDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(promDir.resolve("prometheus.log").toFile())
            .start();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyPodIsScrapedOverTlsWithTheTokenAndAShardeddbSeriesIsStored() {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              JsonNode targets = api("/api/v1/targets").path("data").path("activeTargets");
              List<String> withToken = new ArrayList<>();
              String anonymous = null;
              List<String> fromPodMonitor = new ArrayList<>();
              for (JsonNode t : targets) {
                String job = t.path("labels").path("job").asText();
                if (job.startsWith("podmonitor-")) {
                  fromPodMonitor.add(
                      job + "=" + t.path("health").asText() + " " + t.path("lastError"));
                } else if (job.equals("anonymous")) {
                  anonymous = t.path("health").asText() + " " + t.path("lastError").asText();
                } else {
                  withToken.add(job + "=" + t.path("health").asText() + " " + t.path("lastError"));
                }
              }
              assertThat(withToken).hasSize(expectedPods()).allMatch(s -> s.contains("=up "));
              assertThat(anonymous).startsWith("down").contains("401");
              assertThat(fromPodMonitor)
                  .as("the per-database PodMonitor's endpoints, verified by their serverName")
                  .hasSize(podMonitorTargets)
                  .allMatch(s -> s.contains("=up "));
              JsonNode result =
                  api("/api/v1/query?query="
                          + URLEncoder.encode(
                              "count by (job) ({__name__=~\"shardeddb_.+\"})",
                              StandardCharsets.UTF_8))
                      .path("data")
                      .path("result");
              assertThat(result).as("a shardeddb_ series per shard-server").hasSizeGreaterThan(0);
            });
  }

  /**
   * With exactly the PodMonitor's TLS settings, a JDK client reaches each shard pod's management
   * port: metrics with the token, 401 without it; the name of a shard it is not is refused in the
   * handshake.
   */
  @Test
  void thePodMonitorsTlsSettingsVerifyEveryPodAndItsTokenOpensMetrics() throws Exception {
    int checked = 0;
    for (PodMetricsEndpoint endpoint : podMonitor.getSpec().getPodMetricsEndpoints()) {
      assertThat(endpoint.getScheme()).isEqualTo("https");
      assertThat(endpoint.getTlsConfig().getInsecureSkipVerify()).isNotEqualTo(Boolean.TRUE);
      String serverName = endpoint.getTlsConfig().getServerName();
      String ca =
          secret(
              endpoint.getTlsConfig().getCa().getSecret().getName(),
              endpoint.getTlsConfig().getCa().getSecret().getKey());
      String token =
          secret(
              endpoint.getAuthorization().getCredentials().getName(),
              endpoint.getAuthorization().getCredentials().getKey());
      List<Pod> pods = kept(endpoint);
      assertThat(pods).as("pods of %s", serverName).isNotEmpty();
      for (Pod pod : pods) {
        String ip = pod.getStatus().getPodIP();
        int mgmt = ShardedDatabaseResources.MANAGEMENT_PORT;
        assertThat(get(ip, mgmt, serverName, ca, "Bearer " + token))
            .startsWith("HTTP/1.1 200")
            .contains("shardeddb_");
        assertThat(get(ip, mgmt, serverName, ca, null)).startsWith("HTTP/1.1 401");
        String other = serverName.replace(DB + "-", DB + "-other");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> get(ip, mgmt, other, ca, "Bearer " + token))
            .isInstanceOf(SSLHandshakeException.class);
        checked++;
      }
    }
    // Every ready pod now (one may have become ready after Prometheus's targets were listed).
    assertThat(checked).isGreaterThanOrEqualTo(podMonitorTargets).isGreaterThan(0);
  }

  /** The operator's PodMonitor for the live database (2 s interval for the test). */
  private PodMonitor podMonitor() {
    ShardedDatabase sdb =
        cluster
            .client()
            .resources(ShardedDatabase.class)
            .inNamespace(cluster.namespace())
            .withName(DB)
            .get();
    DatabaseModel db = DatabaseModel.of(sdb, new Images("unused", "unused", "unused"));
    db =
        db.withScraper(
            db.scraper()
                .withPodMonitors(new MetricsScraper.PodMonitors(true, Map.of(), "2s", "2s")));
    return PodMonitorModel.podMonitor(db);
  }

  /** The ready pods of the database that {@code endpoint}'s keep rules select. */
  private List<Pod> kept(PodMetricsEndpoint endpoint) {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(PodReadiness::isReady)
        .filter(
            p ->
                podMonitor.getSpec().getSelector().getMatchLabels().entrySet().stream()
                    .allMatch(
                        e -> e.getValue().equals(p.getMetadata().getLabels().get(e.getKey()))))
        .filter(p -> endpoint.getRelabelings().stream().allMatch(r -> keeps(r, p)))
        .toList();
  }

  private static boolean keeps(RelabelConfig r, Pod pod) {
    if (!"keep".equals(r.getAction())) {
      return true;
    }
    String meta = r.getSourceLabels().get(0);
    return pod.getMetadata().getLabels().entrySet().stream()
        .anyMatch(
            e ->
                ("__meta_kubernetes_pod_label_" + e.getKey().replaceAll("[^a-zA-Z0-9_]", "_"))
                        .equals(meta)
                    && e.getValue().matches(r.getRegex()));
  }

  /** One Prometheus job per PodMonitor endpoint, with its TLS settings and token. */
  private String podMonitorJobs(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (PodMetricsEndpoint endpoint : podMonitor.getSpec().getPodMetricsEndpoints()) {
      Path ca = dir.resolve("pm-ca-" + i);
      Path token = dir.resolve("pm-token-" + i);
      Files.writeString(
          ca,
          secret(
              endpoint.getTlsConfig().getCa().getSecret().getName(),
              endpoint.getTlsConfig().getCa().getSecret().getKey()));
      Files.writeString(
          token,
          secret(
              endpoint.getAuthorization().getCredentials().getName(),
              endpoint.getAuthorization().getCredentials().getKey()));
      List<String> targets = new ArrayList<>();
      for (Pod pod : kept(endpoint)) {
        targets.add(
            "'"
                + pod.getStatus().getPodIP()
                + ":"
                + ShardedDatabaseResources.MANAGEMENT_PORT
                + "'");
      }
      podMonitorTargets += targets.size();
      sb.append("  - job_name: podmonitor-")
          .append(i)
          .append("\n    scheme: ")
          .append(endpoint.getScheme())
          .append("\n    metrics_path: ")
          .append(endpoint.getPath())
          .append("\n    tls_config:\n      ca_file: ")
          .append(ca)
          .append("\n      server_name: ")
          .append(endpoint.getTlsConfig().getServerName())
          .append("\n    authorization:\n      type: ")
          .append(endpoint.getAuthorization().getType())
          .append("\n      credentials_file: ")
          .append(token)
          .append("\n    static_configs:\n      - targets: ")
          .append(targets)
          .append('\n');
      i++;
    }
    return sb.toString();
  }

  /**
   * GET /prometheus at {@code ip:port} over TLS, trusting only {@code caPem}, sending SNI {@code
   * serverName} and verifying the certificate names it (HTTPS endpoint identification); the status
   * line and body, or the handshake's failure.
   */
  private static String get(String ip, int port, String serverName, String caPem, String auth)
      throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int n = 0;
    try (InputStream in = new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))) {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca" + n++, (X509Certificate) c);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      socket.connect(new java.net.InetSocketAddress(ip, port), 5000);
      socket.setSoTimeout(10_000);
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(serverName)));
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /prometheus HTTP/1.1\r\nHost: "
                  + serverName
                  + "\r\n"
                  + (auth == null ? "" : "Authorization: " + auth + "\r\n")
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private int expectedPods;

  private int expectedPods() {
    return expectedPods;
  }

  /** One job per pod (each presents its own certificate name), and one without the token. */
  private String config(Path dir) {
    StringBuilder sb = new StringBuilder();
    sb.append("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\nscrape_configs:\n");
    String ns = cluster.namespace();
    List<Pod> pods =
        cluster.client().pods().inNamespace(ns).list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith(DB + "-"))
            .filter(PodReadiness::isReady)
            .toList();
    String firstShard = null;
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      boolean router = name.startsWith(ShardedDatabaseResources.routerName(DB));
      String serverName =
          router
              ? ShardedDatabaseResources.routerName(DB) + "." + ns + ".svc"
              : PeerNames.podHost(name, ShardedDatabaseResources.shardServiceName(DB, "sh1"), ns);
      String target = pod.getStatus().getPodIP() + ":" + ShardedDatabaseResources.MANAGEMENT_PORT;
      if (!router && firstShard == null) {
        firstShard = target + "|" + serverName;
      }
      sb.append(job(name, target, serverName, dir, true));
      expectedPods++;
    }
    String[] anonymous = firstShard.split("\\|");
    sb.append(job("anonymous", anonymous[0], anonymous[1], dir, false));
    return sb.toString();
  }

  private static String job(String name, String target, String serverName, Path dir, boolean auth) {
    return "  - job_name: "
        + name
        + "\n    scheme: https\n    metrics_path: /prometheus\n    tls_config:\n      ca_file: "
        + dir.resolve("ca.crt")
        + "\n      server_name: "
        + serverName
        + "\n"
        + (auth
            ? "    authorization:\n      type: Bearer\n      credentials_file: "
                + dir.resolve("token")
                + "\n"
            : "")
        + "    static_configs:\n      - targets: ['"
        + target
        + "']\n";
  }

  private JsonNode api(String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private String secret(String name, String key) {
    Secret s = cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static final Path CACHE =
      Path.of(System.getProperty("user.home"), ".cache/shardeddb/prometheus-deb");

  /**
   * Prometheus from the PATH, else from the cache the helm module's {@code Promtool} fills, else
   * fetched into that cache the same way ({@code apt-get download prometheus}, unpacked with {@code
   * dpkg-deb -x}: not installed, nothing registered or started), since this module's ITs can run
   * before the helm module's tests on a fresh machine.
   */
  private static Optional<Path> prometheusBinary() throws Exception {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "prometheus"))) {
        return Optional.of(Path.of(dir, "prometheus"));
      }
    }
    Path cached = CACHE.resolve("usr/bin/prometheus");
    if (!Files.isExecutable(cached) && Files.isRegularFile(Path.of("/etc/debian_version"))) {
      Path download = Files.createTempDirectory("prometheus-deb");
      Files.createDirectories(CACHE);
      Process fetch =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "apt-get download prometheus && dpkg-deb -x prometheus_*.deb \"$0\"",
                  CACHE.toString())
              .directory(download.toFile())
              .redirectErrorStream(true)
              .redirectOutput(download.resolve("fetch.log").toFile())
              .start();
      if (!fetch.waitFor(10, TimeUnit.MINUTES)) {
        fetch.destroyForcibly();
      }
    }
    return Files.isExecutable(cached) ? Optional.of(cached) : Optional.empty();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
