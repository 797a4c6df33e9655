package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.testing.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.tls.TlsRole;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl-sdb promote} and {@code rebuild} against local mode, as a user runs them: the real
 * operator takes the request from the annotation, the CLI waits for the outcome and exits with a
 * code a script can rely on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RequestCommandsIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "failover";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private RouterClient lb;
  private String kubeconfig;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/failover.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
    lb = info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
    kubeconfig = cluster.kubeconfig().toString();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void promoteSwitchesTheShardOverUnderAConcurrentWriterAndNoAcknowledgedWriteIsLost()
      throws Exception {
    ConcurrentWriters writers =
        new ConcurrentWriters(List.of(lb), 2, 0, 2000, Duration.ofMinutes(3));
    writers.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() >= 200);

    String oldPrimary = db.primary("sh1");
    long oldEpoch = db.epoch("sh1");
    String target = readySecondary("sh1");
    long started = System.nanoTime();
    CliRun promoted = cli("promote", DB, "sh1", target, "--kubeconfig", kubeconfig);
    int ackedAtSwitch = writers.ackCount();

    assertThat(promoted.code()).as(promoted.err()).isZero();
    assertThat(promoted.out()).contains("SHARD").contains(target).contains(oldPrimary);
    assertThat(db.primary("sh1")).isEqualTo(target);
    assertThat(db.epoch("sh1")).isGreaterThan(oldEpoch);

    // Writes go on at the new primary.
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() > ackedAtSwitch + 100);
    writers.stop();
    System.out.printf(
        "promote: %d of %d writes acknowledged, longest write outage since the request %d ms%n",
        writers.ackCount(), writers.attempts(), writers.longestOutageSince(started).toMillis());

    Set<Long> stored = keys(0, 8191);
    assertThat(stored).containsAll(writers.acked());

    // The old primary follows the new one and converges to the same rows.
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, Object> r = db.replica("sh1", oldPrimary).orElseThrow();
              assertThat(r.get("role")).isEqualTo("Secondary");
              assertThat(r.get("ready")).isEqualTo(true);
              assertThat(checksumOf(oldPrimary, "sh1")).isEqualTo(checksumOf(target, "sh1"));
            });
  }

  @Test
  @Order(2)
  void requestsNamingNothingOrThePrimaryFailWithTheirExitCodeAndOneLine() {
    CliRun noDb = cli("promote", "nope", "sh1", "x", "--kubeconfig", kubeconfig);
    assertThat(noDb.code()).isEqualTo(3);
    assertThat(noDb.err()).contains("ShardedDatabase 'nope' not found");

    CliRun noShard = cli("promote", DB, "sh9", "x", "--kubeconfig", kubeconfig);
    assertThat(noShard.code()).isEqualTo(3);
    assertThat(noShard.err()).contains("no shard 'sh9'").contains("sh1, sh2");

    CliRun noPod = cli("promote", DB, "sh1", DB + "-sh2-0", "--kubeconfig", kubeconfig);
    assertThat(noPod.code()).isEqualTo(3);
    assertThat(noPod.err()).contains("is not a replica of shard sh1");

    String primary = db.primary("sh2");
    CliRun rebuildPrimary = cli("rebuild", DB, primary, "--kubeconfig", kubeconfig);
    assertThat(rebuildPrimary.code()).as(rebuildPrimary.err()).isEqualTo(4);
    assertThat(rebuildPrimary.err().strip())
        .startsWith("error: rebuild refused:")
        .contains("is the primary of shard sh2")
        .contains("promote")
        .doesNotContain("\n");
    // The refusal is recorded, and the operator removes the request annotation right after that
    // status write: the CLI may have returned in between.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(db.resource().getMetadata().getAnnotations())
                    .doesNotContainKey("shardeddb.io/rebuild"));
  }

  @Test
  @Order(3)
  void rebuildReCopiesASecondaryUntilItsChecksumEqualsThePrimarys() throws Exception {
    lb.write(
        LongStream.range(4096, 4096 + 300)
            .mapToObj(ConcurrentWriters::row)
            .collect(Collectors.toList()));
    String victim = readySecondary("sh2");

    CliRun rebuilt = cli("rebuild", DB, victim, "-o", "json", "--kubeconfig", kubeconfig);

    assertThat(rebuilt.code()).as(rebuilt.err()).isZero();
    Map<?, ?> json = JSON.readValue(rebuilt.out(), Map.class);
    assertThat(json.get("outcome")).isEqualTo("Succeeded");
    assertThat(json.get("pod")).isEqualTo(victim);
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ChecksumResponse copy = checksumOf(victim, "sh2");
              ChecksumResponse source = checksumOf(db.primary("sh2"), "sh2");
              assertThat(copy.rows()).isGreaterThanOrEqualTo(300);
              assertThat(copy.rows()).isEqualTo(source.rows());
              assertThat(copy.digest()).isEqualTo(source.digest());
            });
    assertThat(cluster.client().v1().events().inNamespace(cluster.namespace()).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("RecopyStarted");
              assertThat(e.getMessage()).contains(victim).contains("shardeddb.io/rebuild");
            });
  }

  private String readySecondary(String shard) {
    return await()
        .atMost(LONG)
        .until(
            () ->
                db.replicas(shard).stream()
                    .filter(r -> "Secondary".equals(r.get("role")))
                    .filter(r -> Boolean.TRUE.equals(r.get("ready")))
                    .map(r -> (String) r.get("pod"))
                    .findFirst()
                    .orElse(null),
            p -> p != null);
  }

  private Set<Long> keys(long low, long high) {
    return lb.read(low, high).data().stream()
        .map(r -> ((Number) r.get("Stud_id")).longValue())
        .collect(Collectors.toSet());
  }

  private ChecksumResponse checksumOf(String pod, String shard) throws Exception {
    String url = (String) db.replica(shard, pod).orElseThrow().get("url");
    // A control endpoint: the operator's role (mTLS) and the shard credential.
    HttpResponse<String> r =
        ShardTls.client(cluster, DB, TlsRole.OPERATOR)
            .send(
                HttpRequest.newBuilder(URI.create(url + "/checksum"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + cluster.shardCredential(DB).orElseThrow())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readValue(r.body(), ChecksumResponse.class);
  }
}
