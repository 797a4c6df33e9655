package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.tls.PeerNames;
import java.io.IOException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String DB = "tlsdb";
  private static final ObjectMapper JSON = new ObjectMapper();

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
    Files.writeString(promDir.resolve("prometheus.yml"), config(promDir));
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
              for (JsonNode t : targets) {
                String job = t.path("labels").path("job").asText();
                if (job.equals("anonymous")) {
                  anonymous = t.path("health").asText() + " " + t.path("lastError").asText();
                } else {
                  withToken.add(job + "=" + t.path("health").asText() + " " + t.path("lastError"));
                }
              }
              assertThat(withToken).hasSize(expectedPods()).allMatch(s -> s.contains("=up "));
              assertThat(anonymous).startsWith("down").contains("401");
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
