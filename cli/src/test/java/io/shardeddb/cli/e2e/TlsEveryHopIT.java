package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on every hop of a local-mode database that asks for nothing (TLS is the default): rows
 * written through the router reach a majority of replicas (router → shard-server and peer → peer
 * over mTLS), plain HTTP gets no answer from a shard-server or the router (their management ports
 * included), a client that trusts another CA refuses the router, and each mTLS role reaches only
 * its own endpoints even with a valid bearer credential in hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsEveryHopIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String DB = "tlsdb";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private DatabaseStatus db;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/tls.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    router = await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void rowsTravelOverTlsFromTheClientThroughTheRouterToAMajorityOfReplicas() {
    assertThat(router.routerUrl()).startsWith("https://");
    RouterClient client = router.client(router.token(), "Stud_id", Duration.ofSeconds(30));
    await()
        .atMost(LONG)
        .untilAsserted(() -> client.write(List.of(row(7, "Ada", 91), row(8, "Lin", 77))));
    assertThat(client.read(7, 8).data()).hasSize(2);
  }

  @Test
  void plainHttpGetsNoAnswerFromAShardServerOrTheRouter() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    for (String url :
        List.of(
            "http://" + shardPods().get(0).getStatus().getPodIP() + ":8081/heartbeat",
            router.routerUrl().replace("https://", "http://") + "/status")) {
      assertThatThrownBy(
              () ->
                  plain.send(
                      HttpRequest.newBuilder(URI.create(url))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .as(url)
          .isInstanceOf(IOException.class);
    }
  }

  /**
   * The management port (docs/security.md, "Management port"), as the kubelet and Prometheus reach
   * it: TLS only (plain HTTP gets nothing), with the pod's certificate from the database's CA;
   * health anonymous, UP and nothing of the replica or the topology; {@code /prometheus} 401
   * without the scrape credential of {@code <db>-metrics} (and with the data token), 200 with it.
   * The API ports (HTTPS) answer 404 for both even to a valid identity.
   */
  @Test
  void healthAndMetricsAreOnTheTlsManagementPortAndMetricsTakeTheScrapeCredential()
      throws Exception {
    HttpClient plain =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String routerHost = URI.create(router.routerUrl()).getHost();
    int port = ShardedDatabaseResources.MANAGEMENT_PORT;
    String scrapeToken = secret(ShardedDatabaseResources.metricsAuthSecretName(DB), "token");
    String ca = secret(ShardedDatabaseResources.tlsSecretName(DB), "ca.crt");
    Map<String, SSLContext> managementPorts =
        Map.of(
            primaryIp() + ":" + port,
            Tls.clientContext(
                TlsMaterialSource.fixed(PemMaterial.parse(ca, null, null)), TlsRole.SHARD_SERVER),
            routerHost + ":" + port,
            Tls.routerClientContext(ca));
    for (Map.Entry<String, SSLContext> e : managementPorts.entrySet()) {
      String address = e.getKey();
      for (String path : List.of("/prometheus", "/health/readiness")) {
        assertThatThrownBy(
                () ->
                    plain.send(
                        HttpRequest.newBuilder(URI.create("http://" + address + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
            .as("plain HTTP to %s%s", address, path)
            .isInstanceOf(IOException.class);
      }
      HttpClient verifying =
          HttpClient.newBuilder()
              .sslContext(e.getValue())
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      String base = "https://" + address;
      HttpResponse<String> health =
          verifying.send(
              HttpRequest.newBuilder(URI.create(base + "/health/readiness")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(base + ": " + health.body()).isEqualTo(200);
      assertThat(health.body())
          .as(base)
          .contains("\"UP\"")
          .doesNotContain("role", "Primary", "epoch", "appliedLsn", "topologyVersion");
      HttpResponse<String> anonymous =
          verifying.send(
              HttpRequest.newBuilder(URI.create(base + "/prometheus")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).as(base + " without the token").isEqualTo(401);
      assertThat(anonymous.body()).as(base).doesNotContain("http_server_requests_seconds");
      HttpResponse<String> metrics =
          verifying.send(
              HttpRequest.newBuilder(URI.create(base + "/prometheus"))
                  .header("Authorization", "Bearer " + scrapeToken)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).as(base + " with the token").isEqualTo(200);
      assertThat(metrics.body()).as(base).contains("http_server_requests_seconds");
    }
    String shard = "https://" + primaryIp() + ":8081";
    String dataToken = secret(ShardedDatabaseResources.shardDataAuthSecretName(DB), "token");
    // The API ports serve neither: health is 404 whoever asks; /prometheus is 401 to any other
    // credential (the scrape-credential check comes first) and 404 with the scrape token.
    assertThat(call(identity(TlsRole.ROUTER), "GET", shard + "/health/readiness", dataToken))
        .isEqualTo(404);
    assertThat(call(router.tls(), "GET", router.routerUrl() + "/health/readiness", router.token()))
        .isEqualTo(404);
    assertThat(call(identity(TlsRole.ROUTER), "GET", shard + "/prometheus", dataToken))
        .isEqualTo(401);
    assertThat(call(router.tls(), "GET", router.routerUrl() + "/prometheus", router.token()))
        .isEqualTo(401);
    assertThat(call(identity(TlsRole.ROUTER), "GET", shard + "/prometheus", scrapeToken))
        .isEqualTo(404);
    assertThat(call(router.tls(), "GET", router.routerUrl() + "/prometheus", scrapeToken))
        .isEqualTo(404);
  }

  @Test
  void aClientThatTrustsAnotherCaRefusesTheRouter() {
    CertificateAuthority other =
        CertificateAuthority.create("other", Instant.now(), Duration.ofDays(1), new SecureRandom());
    HttpClient wrong =
        HttpClient.newBuilder()
            .sslContext(Tls.routerClientContext(PemMaterial.pem(List.of(other.certificate()))))
            .build();
    assertThatThrownBy(
            () ->
                wrong.send(
                    HttpRequest.newBuilder(URI.create(router.routerUrl() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void eachRoleReachesOnlyItsOwnShardEndpointsWhateverTokenItHolds() throws Exception {
    String shard = "https://" + primaryIp() + ":8081";
    String shardToken = cluster.shardCredential(DB).orElseThrow();
    String dataToken = secret(ShardedDatabaseResources.shardDataAuthSecretName(DB), "token");
    SSLContext asPeer = identity(TlsRole.SHARD_SERVER);
    SSLContext asRouter = identity(TlsRole.ROUTER);
    String log = "/log?fromLsn=1&prevEpoch=0&limit=1&replica=probe";

    // A peer's certificate with the router's data credential: refused on the log.
    assertThat(call(asPeer, "GET", shard + log, dataToken)).isEqualTo(403);
    // The router's certificate, even with the full shard credential: no role change, no snapshot.
    assertThat(call(asRouter, "POST", shard + "/role", shardToken)).isEqualTo(403);
    assertThat(call(asRouter, "GET", shard + "/snapshot", shardToken)).isEqualTo(403);
    // Each role on its own endpoints is let through the gate.
    assertThat(call(asPeer, "GET", shard + log, shardToken)).isNotIn(401, 403);
    assertThat(call(asRouter, "GET", shard + "/heartbeat", dataToken)).isEqualTo(200);
  }

  private int call(SSLContext tls, String method, String url, String token) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                    method,
                    method.equals("GET")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void aCallerThatExpectsAnotherPodAtTheAddressRefusesTheAnswer() throws Exception {
    // Per-pod certificates: the primary presents its own pod's certificate, so a caller that
    // expects the primary there is answered, one that expects a sibling (a reused IP) is refused.
    String primary = db.primary("sh1");
    String sibling =
        shardPods().stream()
            .map(p -> p.getMetadata().getName())
            .filter(n -> !n.equals(primary))
            .findFirst()
            .orElseThrow();
    String shard = "https://" + primaryIp() + ":8081";
    String dataToken = secret(ShardedDatabaseResources.shardDataAuthSecretName(DB), "token");

    assertThat(call(expecting(primary), "GET", shard + "/heartbeat", dataToken)).isEqualTo(200);
    assertThatThrownBy(() -> call(expecting(sibling), "GET", shard + "/heartbeat", dataToken))
        .isInstanceOf(IOException.class);
  }

  /** A router client that expects pod {@code pod} of sh1 at the primary's address. */
  private SSLContext expecting(String pod) {
    PeerNames names = new PeerNames();
    names.expect(
        primaryIp(),
        8081,
        PeerNames.podHost(
            pod, ShardedDatabaseResources.shardServiceName(DB, "sh1"), cluster.namespace()));
    return Tls.clientContext(material(TlsRole.ROUTER), TlsRole.SHARD_SERVER, names);
  }

  /** A client holding {@code role}'s certificate from the database's TLS Secrets. */
  private SSLContext identity(TlsRole role) {
    return Tls.clientContext(material(role), TlsRole.SHARD_SERVER);
  }

  /** The router's pair from {@code <db>-tls}, a shard-server's from its shard's Secret. */
  private TlsMaterialSource material(TlsRole role) {
    String tls = ShardedDatabaseResources.tlsSecretName(DB);
    if (role == TlsRole.SHARD_SERVER) {
      String pods = ShardedDatabaseResources.shardTlsSecretName(DB, "sh1");
      String pod = ShardedDatabaseResources.shardPodName(DB, "sh1", 0);
      return TlsMaterialSource.fixed(
          PemMaterial.parse(
              secret(pods, "ca.crt"), secret(pods, pod + ".crt"), secret(pods, pod + ".key")));
    }
    return TlsMaterialSource.fixed(
        PemMaterial.parse(
            secret(tls, "ca.crt"),
            secret(tls, role.label() + ".crt"),
            secret(tls, role.label() + ".key")));
  }

  private String secret(String name, String key) {
    Secret s = cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private String primaryIp() {
    String primary = db.primary("sh1");
    return shardPods().stream()
        .filter(p -> p.getMetadata().getName().equals(primary))
        .findFirst()
        .orElseThrow()
        .getStatus()
        .getPodIP();
  }

  private List<Pod> shardPods() {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(DB + "-sh1-"))
        .filter(PodReadiness::isReady)
        .toList();
  }

  private static Map<String, Object> row(long id, String name, long marks) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_id", id);
    row.put("Stud_name", name);
    row.put("Stud_marks", marks);
    return row;
  }
}
