package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.e2e.DatabaseStatus.asList;
import static io.shardeddb.cli.e2e.DatabaseStatus.asMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.protocol.topology.Sharding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online resharding on real processes (docs/resharding.md), as a user does it: edit {@code
 * spec.shards} of a loaded database while writers run through two routers, and check that every
 * acknowledged key is readable exactly once and stored only in the shard whose range now names it.
 * Then merge back, abort a split midway, split while the source primary is killed, and split a
 * hash-sharded database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReshardIT {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "reshard";
  private static final String HASHED = "hashed";
  private static final long HIGH = 8191;

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Set<Long> written = new HashSet<>();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private List<RouterClient> routers;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/reshard.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    routers = routers(DB, 2);
    await().atMost(LONG).until(db::isReady);
    // A loaded database: ~1,100 rows before anything moves (keys the writers below do not use).
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long k = 6000; k <= HIGH; k += 2) {
      rows.add(ConcurrentWriters.row(k));
      written.add(k);
      if (rows.size() == 500) {
        routers.get(0).write(rows);
        rows = new ArrayList<>();
      }
    }
    if (!rows.isEmpty()) {
      routers.get(0).write(rows);
    }
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void splitUnderConcurrentWritersKeepsEveryAcknowledgedKeyExactlyOnceInItsNewShard()
      throws Exception {
    // Four writers over keys 0..5999 (both new shards' ranges), through both routers.
    ConcurrentWriters writers = new ConcurrentWriters(routers, 4, 0, 1500, Duration.ofMinutes(6));
    writers.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() >= 100);

    reshape(shard("sh1", 0, 4096), shard("sh2", 4096, 4096));
    awaitReshaped(List.of("sh1", "sh2"));
    int ackedAtCutOver = writers.ackCount();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() > ackedAtCutOver + 50);
    writers.stop();

    Map<String, Object> move = lastMove();
    System.out.printf(
        "split: %d of %d writes acknowledged, move %s, write pause %s ms, rows copied %s%n",
        writers.ackCount(),
        writers.attempts(),
        move.get("phase"),
        move.get("pauseMillis"),
        move.get("rowsCopied"));
    assertThat(move.get("phase")).isEqualTo("Done");
    assertThat(move.get("source")).isEqualTo("sh1");
    assertThat(move.get("destination")).isEqualTo("sh2");
    written.addAll(writers.acked());
    assertEveryKeyOnceInItsShard(Map.of("sh1", range(0, 4096), "sh2", range(4096, 4096)));
  }

  @Test
  @Order(2)
  void mergeBackMovesTheRowsHomeAndRemovesTheEmptiedShard() throws Exception {
    reshape(shard("sh1", 0, 8192));
    awaitReshaped(List.of("sh1"));
    await()
        .atMost(LONG)
        .untilAsserted(() -> assertThat(db.shard("sh2")).as("sh2 removed from status").isEmpty());
    await().atMost(LONG).until(() -> podsOf(DB + "-sh2").isEmpty());
    assertEveryKeyOnceInItsShard(Map.of("sh1", range(0, 8192)));
  }

  @Test
  @Order(3)
  void revertingTheSpecBeforeCutOverAbortsTheSplitAndLosesNothing() throws Exception {
    reshape(shard("sh1", 0, 4096), shard("sh3", 4096, 4096));
    // Freeze the destination's primary as soon as it is elected: the move cannot reach its
    // cut-over (it waits in Pending for a Ready destination, or in Copying/CatchingUp for the
    // import, depending on when the pause lands). A move already cut over fails the test here.
    String destinationPrimary =
        await().atMost(LONG).until(() -> db.primary("sh3"), Objects::nonNull);
    sdb("local", "pause", destinationPrimary);
    await()
        .atMost(LONG)
        .until(
            () -> lastMove(),
            m ->
                "sh3".equals(m.get("destination"))
                    && List.of("Pending", "Copying", "CatchingUp").contains(m.get("phase")));
    reshape(shard("sh1", 0, 8192));
    sdb("local", "resume", destinationPrimary);
    awaitReshaped(List.of("sh1"));
    assertThat(lastMove().get("phase")).isEqualTo("Aborted");
    routers.get(1).write(List.of(ConcurrentWriters.row(7001)));
    written.add(7001L);
    assertEveryKeyOnceInItsShard(Map.of("sh1", range(0, 8192)));
  }

  @Test
  @Order(4)
  void killingTheSourcePrimaryMidCopyStillEndsWithEveryKeyOnce() throws Exception {
    ConcurrentWriters writers = new ConcurrentWriters(routers, 2, 4096, 600, Duration.ofMinutes(6));
    reshape(shard("sh1", 0, 4096), shard("sh4", 4096, 4096));
    await()
        .atMost(LONG)
        .until(
            () -> String.valueOf(lastMove().get("phase")),
            p -> p.equals("Copying") || p.equals("CatchingUp"));
    writers.start();
    String sourcePrimary = db.primary("sh1");
    sdb("local", "kill", sourcePrimary);
    // The killed process is restarted at once, as a kubelet restarts a container the first time:
    // it may resume its role before primaryUnavailableSeconds (no failover, epoch unchanged) or be
    // replaced; either way the move must end with every key once.
    awaitReshaped(List.of("sh1", "sh4"));
    writers.stop();
    assertThat(lastMove().get("phase")).isEqualTo("Done");
    written.addAll(writers.acked());
    assertEveryKeyOnceInItsShard(Map.of("sh1", range(0, 4096), "sh4", range(4096, 4096)));
  }

  @Test
  @Order(5)
  void killingTheDestinationPrimaryMidCopyStillEndsWithEveryKeyOnce() throws Exception {
    // Merge sh4 back into sh1: sh1 is the destination, and its primary runs the import.
    ConcurrentWriters writers = new ConcurrentWriters(routers, 2, 5400, 300, Duration.ofMinutes(6));
    reshape(shard("sh1", 0, 8192));
    await()
        .atMost(LONG)
        .until(
            () -> String.valueOf(lastMove().get("phase")),
            p -> p.equals("Copying") || p.equals("CatchingUp"));
    writers.start();
    String destinationPrimary = db.primary("sh1");
    sdb("local", "kill", destinationPrimary);
    // Restarted at once (see above): resumed or replaced, the import must finish.
    awaitReshaped(List.of("sh1"));
    writers.stop();
    Map<String, Object> move = lastMove();
    assertThat(move.get("phase")).isEqualTo("Done");
    assertThat(move.get("source")).isEqualTo("sh4");
    assertThat(move.get("destination")).isEqualTo("sh1");
    written.addAll(writers.acked());
    assertEveryKeyOnceInItsShard(Map.of("sh1", range(0, 8192)));
  }

  @Test
  @Order(6)
  void aHashShardedDatabaseSplitsTheSameWay() throws Exception {
    cluster
        .client()
        .resources(io.shardeddb.api.v1alpha1.ShardedDatabase.class)
        .inNamespace(cluster.namespace())
        .withName(DB)
        .delete();
    await().atMost(LONG).until(() -> podsOf(DB + "-").isEmpty());
    cluster.apply(home.resolve("cli/src/test/resources/reshard-hash.yaml"));
    DatabaseStatus hashed = new DatabaseStatus(cluster.client(), cluster.namespace(), HASHED);
    List<RouterClient> hashRouters = routers(HASHED, 1);
    await().atMost(LONG).until(hashed::isReady);
    ConcurrentWriters writers =
        new ConcurrentWriters(hashRouters, 2, 0, 1000, Duration.ofMinutes(6));
    writers.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() >= 100);

    long half = Sharding.HASH_SPACE / 2;
    patchShards(HASHED, List.of(shard("h1", 0, half), shard("h2", half, half)));
    await().atMost(Duration.ofMinutes(10)).until(() -> reshaped(hashed, List.of("h1", "h2")));
    writers.stop();

    // A key-range read fans out to both shards and comes back in key order, each key once.
    List<Long> keys = keysIn(hashRouters.get(0), 0, writers.lastKey());
    assertThat(keys).isSorted().doesNotHaveDuplicates();
    assertThat(keys).containsAll(writers.acked());
    // Each shard stores exactly the keys whose hash falls in its range.
    long inLowHalf = keys.stream().filter(k -> Sharding.hash(k) < half).count();
    assertThat(checksum(hashed, "h1").rows()).isEqualTo(inLowHalf);
    assertThat(checksum(hashed, "h2").rows()).isEqualTo(keys.size() - inLowHalf);
    assertThat(inLowHalf).isBetween(keys.size() / 4L, keys.size() * 3L / 4);
  }

  // --- helpers ---

  private List<RouterClient> routers(String database, int count) {
    LocalCluster.RouterInfo info =
        await()
            .atMost(LONG)
            .until(() -> cluster.routerInfo(database).orElse(null), Objects::nonNull);
    String token = info.token();
    String scheme = info.tls() == null ? "http://" : "https://";
    List<String> urls =
        await()
            .atMost(LONG)
            .until(
                () ->
                    podsOf(database + "-router-").stream()
                        .filter(PodReadiness::isReady)
                        .map(p -> scheme + p.getStatus().getPodIP() + ":8080")
                        .sorted()
                        .toList(),
                l -> l.size() == count);
    return urls.stream()
        .map(u -> new RouterClient(u, token, "Stud_id", Duration.ofSeconds(20), info.tls()))
        .toList();
  }

  private List<Pod> podsOf(String prefix) {
    return cluster.client().pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(prefix))
        .toList();
  }

  private static Map<String, Object> shard(String id, long low, long size) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("low", low);
    s.put("size", size);
    return s;
  }

  private static long[] range(long low, long size) {
    return new long[] {low, low + size};
  }

  @SafeVarargs
  private void reshape(Map<String, Object>... shards) {
    patchShards(DB, List.of(shards));
  }

  private void patchShards(String database, List<Map<String, Object>> shards) {
    // A JSON patch replacing the list, as `kubectl patch --type json` sends it.
    new DatabaseStatus(cluster.client(), cluster.namespace(), database).patchShards(shards);
  }

  /** Waits until the published layout is {@code ids}, no move is in flight and Ready=True. */
  private void awaitReshaped(List<String> ids) {
    await().atMost(Duration.ofMinutes(10)).until(() -> reshaped(db, ids));
  }

  private static boolean reshaped(DatabaseStatus status, List<String> ids) {
    Map<String, Object> st = status.status();
    List<String> published =
        asList(asMap(st.get("applied")).get("shards")).stream()
            .map(s -> (String) asMap(s).get("id"))
            .sorted()
            .toList();
    boolean resharding =
        asList(st.get("conditions")).stream()
            .map(DatabaseStatus::asMap)
            .anyMatch(c -> "Resharding".equals(c.get("type")) && "True".equals(c.get("status")));
    return published.equals(ids.stream().sorted().toList()) && !resharding && status.isReady();
  }

  private Map<String, Object> lastMove() {
    List<Object> moves = asList(asMap(db.status().get("resharding")).get("moves"));
    return moves.isEmpty() ? Map.of() : asMap(moves.get(moves.size() - 1));
  }

  /**
   * Every key written so far is read back exactly once through both routers, and each shard's
   * primary stores exactly the keys of its range (no copy left behind, none twice).
   */
  private void assertEveryKeyOnceInItsShard(Map<String, long[]> layout) throws Exception {
    long top = layout.values().stream().mapToLong(r -> r[1]).max().orElse(HIGH + 1) - 1;
    List<Long> keys = null;
    for (RouterClient r : routers) {
      keys = keysIn(r, 0, top);
      assertThat(keys).as("keys read twice").doesNotHaveDuplicates();
      assertThat(keys).as("acknowledged keys readable").containsAll(written);
    }
    for (Map.Entry<String, long[]> e : layout.entrySet()) {
      long low = e.getValue()[0];
      long high = e.getValue()[1];
      long expected = keys.stream().filter(k -> k >= low && k < high).count();
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(checksum(db, e.getKey()).rows())
                      .as("rows stored by %s", e.getKey())
                      .isEqualTo(expected));
    }
  }

  private static List<Long> keysIn(RouterClient router, long low, long high) {
    return await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(
            () ->
                router.read(low, high).data().stream()
                    .map(row -> ((Number) row.get("Stud_id")).longValue())
                    .collect(Collectors.toList()),
            Objects::nonNull);
  }

  private ChecksumResponse checksum(DatabaseStatus status, String shard) throws Exception {
    String pod = status.primary(shard);
    String url = (String) status.replica(shard, pod).orElseThrow().get("url");
    String database = status.resource().getMetadata().getName();
    // A control endpoint: the operator's role (mTLS) and the shard credential.
    HttpResponse<String> r =
        ShardTls.client(cluster, database, TlsRole.OPERATOR)
            .send(
                HttpRequest.newBuilder(URI.create(url + "/checksum"))
                    .timeout(Duration.ofSeconds(10))
                    .header(
                        "Authorization",
                        "Bearer " + cluster.shardCredential(database).orElseThrow())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readValue(r.body(), ChecksumResponse.class);
  }

  private String sdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    CliRun run = CliRun.cli(all.toArray(String[]::new));
    assertThat(run.code()).as("kubectl-sdb %s: %s", all, run.err()).isZero();
    return run.out();
  }
}
