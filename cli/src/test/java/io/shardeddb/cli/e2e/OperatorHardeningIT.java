package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.shardeddb.local.LocalCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review 2026-11-26 #2 and #3 on real processes (local mode: the operator, its management
 * port, real routers and shard-servers as processes):
 *
 * <ul>
 *   <li>40 clients stalled on the operator's management port (half of them mid-request, as {@code
 *       (printf 'GET /metrics HTTP/1.1\r\n'; sleep 1e6) | nc <operator> 8090}) leave its liveness
 *       and readiness probes answering within a probe's timeout throughout, while it brings a
 *       database up to Ready; the server closes the stalled connections itself.
 *   <li>Colliding names are rejected: a shard id that is one of the database's own names ({@code
 *       router}) is refused with InvalidSpec and nothing of it created; and when database {@code
 *       shop} is edited to get shard {@code eu}, whose Secret {@code shop-eu-tls} the younger
 *       database {@code shop-eu} already holds, {@code shop} is refused with NameClash and {@code
 *       shop-eu} goes on with its Secret untouched.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorHardeningIT {
  private static final Duration LONG = Duration.ofMinutes(4);

  /**
   * How long a probe may take: the kubelet's default is 1 s; a loaded CI machine gets 3, as in
   * ManagementServerTest (the server this replaced never answered at all once a client stalled).
   */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  private static final int STALLED = 40;

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private int managementPort;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      managementPort = free.getLocalPort();
    }
    cluster =
        LocalCluster.start(
            LocalCluster.Options.defaults(home, dataDir)
                .withOperatorProperties(
                    Map.of("shardeddb.management-port", String.valueOf(managementPort))));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void stalledClientsLeaveTheOperatorsProbesGreenWhileItBringsADatabaseUp() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                probe(http, "/health/liveness", Duration.ofSeconds(10)) == 200
                    // Not ready until its informers have synced (OperatorReadiness): a start-up
                    // 503 is the probe doing its job (fresh-clone CI of 2026-11-27 probed it
                    // 0.2 s after liveness answered), so the stalling begins once it is ready.
                    && probe(http, "/health/readiness", Duration.ofSeconds(10)) == 200);

    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < STALLED; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", managementPort), 2000);
        stalled.add(s);
        if (i % 2 == 0) {
          OutputStream out = s.getOutputStream();
          out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      }

      cluster.apply(home.resolve("cli/src/test/resources/names-shop.yaml"));
      DatabaseStatus shop = new DatabaseStatus(cluster.client(), cluster.namespace(), "shop");
      long deadline = System.nanoTime() + LONG.toNanos();
      int probes = 0;
      long slowest = 0;
      while (!shop.isReady()) {
        assertThat(System.nanoTime()).as("shop Ready within %s", LONG).isLessThan(deadline);
        for (String path : List.of("/health/liveness", "/health/readiness")) {
          long start = System.nanoTime();
          assertThat(probe(http, path, PROBE_TIMEOUT)).as(path).isEqualTo(200);
          slowest = Math.max(slowest, System.nanoTime() - start);
          probes++;
        }
        Thread.sleep(500);
      }
      assertThat(probes).as("probes while shop came up").isGreaterThan(4);
      assertThat(Duration.ofNanos(slowest)).isLessThan(PROBE_TIMEOUT);

      // The server closes connections idle for 5 s: each stalled client reads its end.
      for (Socket s : stalled) {
        s.setSoTimeout(15_000);
        InputStream in = s.getInputStream();
        assertThat(drain(in)).as("the stalled connection was closed by the server").isTrue();
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  @Order(2)
  void aShardNamedLikeOneOfTheDatabasesOwnObjectsIsRefusedAndNothingOfItIsCreated() {
    cluster.apply(home.resolve("cli/src/test/resources/names-reserved.yaml"));
    DatabaseStatus rsv = new DatabaseStatus(cluster.client(), cluster.namespace(), "rsv");
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(ready(rsv))
                    .containsEntry("status", "False")
                    .containsEntry("reason", "InvalidSpec")
                    .hasEntrySatisfying(
                        "message",
                        m -> assertThat((String) m).contains("spec.shards id 'router'")));
    assertThat(
            cluster
                .client()
                .apps()
                .statefulSets()
                .inNamespace(cluster.namespace())
                .withName("rsv-router")
                .get())
        .isNull();
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace(cluster.namespace())
                .withName("rsv-router")
                .get())
        .isNull();
  }

  @Test
  @Order(3)
  void anOlderDatabaseEditedIntoANameAYoungerOneHoldsIsRefusedAndTouchesNothing() throws Exception {
    DatabaseStatus shop = new DatabaseStatus(cluster.client(), cluster.namespace(), "shop");
    await().atMost(LONG).until(() -> shop.resource() != null);
    cluster.apply(home.resolve("cli/src/test/resources/names-shop-eu.yaml"));
    DatabaseStatus shopEu = new DatabaseStatus(cluster.client(), cluster.namespace(), "shop-eu");
    await().atMost(LONG).until(shopEu::isReady);
    String shopEuUid = shopEu.resource().getMetadata().getUid();
    Secret held = secret("shop-eu-tls");
    assertThat(held.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(shopEuUid));

    // shop (the older) gets shard eu: its StatefulSet, Service, PDB and policy would be shop-eu,
    // its TLS Secret shop-eu-tls — shop-eu's router certificate Secret.
    GenericKubernetesResource edited = shop.resource();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) edited.getAdditionalProperties().get("spec");
    spec.put(
        "shards",
        List.of(
            Map.of("id", "sh1", "low", 0, "size", 2048),
            Map.of("id", "eu", "low", 2048, "size", 2048)));
    cluster.client().resource(edited).inNamespace(cluster.namespace()).update();

    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(ready(shop))
                    .containsEntry("status", "False")
                    .containsEntry("reason", "NameClash")
                    .hasEntrySatisfying(
                        "message",
                        m ->
                            assertThat((String) m)
                                .contains("Secret/shop-eu-tls is also ShardedDatabase shop-eu's")));
    // Several passes of both later: shop-eu still Ready, its Secret as it was, nothing of shop's
    // shard eu written.
    Thread.sleep(10_000);
    assertThat(shopEu.isReady()).isTrue();
    Secret after = secret("shop-eu-tls");
    assertThat(after.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(shopEuUid));
    assertThat(after.getData()).isEqualTo(held.getData());
    assertThat(
            cluster
                .client()
                .apps()
                .statefulSets()
                .inNamespace(cluster.namespace())
                .withName("shop-eu")
                .get())
        .isNull();
  }

  private int probe(HttpClient http, String path, Duration timeout) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(timeout)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Reads until the server closes the connection: true at its end, false on a read timeout. */
  private static boolean drain(InputStream in) {
    try {
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // a 408 or 400 the server may send before closing
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server: closed too
    }
  }

  private static Map<String, Object> ready(DatabaseStatus db) {
    return DatabaseStatus.asList(db.status().get("conditions")).stream()
        .map(DatabaseStatus::asMap)
        .filter(c -> "Ready".equals(c.get("type")))
        .findFirst()
        .orElse(Map.of());
  }

  private Secret secret(String name) {
    return cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
  }
}
