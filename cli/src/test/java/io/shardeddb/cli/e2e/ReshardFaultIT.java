package io.shardeddb.cli.e2e;

import static io.shardeddb.cli.e2e.DatabaseStatus.asList;
import static io.shardeddb.cli.e2e.DatabaseStatus.asMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resharding under faults on real processes (DESIGN §5 rules 13 and 14): a split while the source
 * primary is cut off from its secondaries (routers and the destination still reach it) and then
 * dies, and a merge while the destination's primary is frozen at the cut-over. Writers run through
 * two routers, retrying with their request ids; afterwards every acknowledged key is read exactly
 * once through both routers (0 lost, 0 duplicated) and the longest stretch without any acknowledged
 * write stays within {@link #OUTAGE_BOUND}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReshardFaultIT {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Duration OUTAGE_BOUND = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "reshard";

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private List<RouterClient> routers;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/reshard.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    routers = routers(2);
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aSplitWhoseSourcePrimaryIsCutOffFromItsSecondariesAndDiesLosesNothing() throws Exception {
    // Writers over the moving half [4096, 8192) and below it (keys 3000..6999).
    ConcurrentWriters writers =
        new ConcurrentWriters(routers, 4, 3000, 1000, Duration.ofMinutes(6));
    writers.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.ackCount() >= 100);
    reshape(shard("sh1", 0, 4096), shard("sh2", 4096, 4096));
    await().atMost(LONG).until(() -> phaseIn("Copying", "CatchingUp"));

    // The source primary keeps taking writes it cannot get onto a quorum; the destination's
    // import and the routers still reach it. Then it dies and sh1 fails over without that tail.
    String primary = db.primary("sh1");
    List<String> secondaries = secondariesOf("sh1", primary);
    long epoch = db.epoch("sh1");
    long faultAt = System.nanoTime();
    List<String> partition = new ArrayList<>(List.of("local", "partition", primary, "--from"));
    partition.addAll(secondaries);
    sdb(partition.toArray(String[]::new));
    Thread.sleep(3000);
    sdb("local", "kill", primary);
    await().atMost(LONG).until(() -> db.epoch("sh1") > epoch);
    sdb("local", "heal", primary);
    awaitReshaped(List.of("sh1", "sh2"));
    long reshapedAt = System.nanoTime();
    await().atMost(Duration.ofMinutes(1)).until(() -> writers.acksSince(reshapedAt) >= 20);
    writers.stop();

    assertThat(lastMove().get("phase")).isEqualTo("Done");
    check(writers, faultAt, "split, source primary cut off from its secondaries, then killed");
  }

  @Test
  @Order(2)
  void aMergeWhoseDestinationPrimaryFreezesAtTheCutOverLosesNothing() throws Exception {
    // Merge sh2 back into sh1: sh1 is the destination and its primary runs the import.
    // Writers below the moving range (sh1's own keys) and in it (keys the first test left free).
    ConcurrentWriters writers = new ConcurrentWriters(routers, 2, 0, 1000, Duration.ofMinutes(6));
    // Paced: the in-range keys (7000..8191) must last through the freeze and the cut-over, or
    // the outage and the resumption below would be measured on writers that already finished.
    ConcurrentWriters inRange =
        new ConcurrentWriters(routers, 2, 7000, 596, Duration.ofMinutes(6))
            .paced(Duration.ofMillis(150));
    reshape(shard("sh1", 0, 8192));
    writers.start();
    inRange.start();
    await().atMost(LONG).until(() -> phaseIn("CatchingUp", "CuttingOver"));
    String destination = db.primary("sh1");
    long faultAt = System.nanoTime();
    sdb("local", "pause", destination, "--for", "12");
    awaitReshaped(List.of("sh1"));
    long reshapedAt = System.nanoTime();
    assertThat(inRange.writing()).as("in-range writers still writing after the merge").isTrue();
    await().atMost(Duration.ofMinutes(1)).until(() -> inRange.acksSince(reshapedAt) >= 10);
    writers.stop();
    inRange.stop();

    assertThat(lastMove().get("phase")).isEqualTo("Done");
    assertThat(lastMove().get("destination")).isEqualTo("sh1");
    check(inRange, faultAt, "merge, destination primary frozen 12 s at the cut-over");
    assertExactlyOnce(writers);
  }

  /** 0 lost, 0 duplicated through both routers, outage within the bound; prints the numbers. */
  private void check(ConcurrentWriters writers, long faultAt, String what) {
    Duration outage = writers.longestOutageSince(faultAt);
    Set<Long> lost = new HashSet<>();
    Set<Long> duplicated = new HashSet<>();
    lostAndDuplicated(writers, lost, duplicated);
    System.out.printf(
        "%s: %d of %d writes acknowledged, %d lost, %d duplicated, longest outage %.1f s,"
            + " move pause %s ms%n",
        what,
        writers.ackCount(),
        writers.attempts(),
        lost.size(),
        duplicated.size(),
        outage.toMillis() / 1000.0,
        lastMove().get("pauseMillis"));
    assertThat(lost).as("acknowledged keys not readable through both routers").isEmpty();
    assertThat(duplicated).as("keys read more than once").isEmpty();
    assertThat(outage).as("longest write outage").isLessThanOrEqualTo(OUTAGE_BOUND);
  }

  private void assertExactlyOnce(ConcurrentWriters writers) {
    Set<Long> lost = new HashSet<>();
    Set<Long> duplicated = new HashSet<>();
    lostAndDuplicated(writers, lost, duplicated);
    assertThat(lost).as("acknowledged keys not readable through both routers").isEmpty();
    assertThat(duplicated).as("keys read more than once").isEmpty();
  }

  private void lostAndDuplicated(ConcurrentWriters writers, Set<Long> lost, Set<Long> dup) {
    Set<Long> acked = writers.acked();
    long low = acked.stream().mapToLong(Long::longValue).min().orElse(0);
    long high = writers.lastKey();
    for (RouterClient r : routers) {
      List<Long> keys =
          await()
              .atMost(Duration.ofMinutes(2))
              .ignoreExceptions()
              .until(
                  () ->
                      r.read(low, high).data().stream()
                          .map(row -> ((Number) row.get("Stud_id")).longValue())
                          .toList(),
                  Objects::nonNull);
      Set<Long> seen = new HashSet<>();
      keys.stream().filter(k -> !seen.add(k)).forEach(dup::add);
      acked.stream().filter(k -> !seen.contains(k)).forEach(lost::add);
    }
  }

  // --- helpers (as in ReshardIT) ---

  private List<String> secondariesOf(String shard, String primary) {
    return db.replicas(shard).stream()
        .map(r -> (String) r.get("pod"))
        .filter(p -> p != null && !p.equals(primary))
        .sorted()
        .toList();
  }

  private boolean phaseIn(String... phases) {
    return List.of(phases).contains(String.valueOf(lastMove().get("phase")));
  }

  private List<RouterClient> routers(int count) {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), Objects::nonNull);
    String token = info.token();
    String scheme = info.tls() == null ? "http://" : "https://";
    List<String> urls =
        await()
            .atMost(LONG)
            .until(
                () ->
                    podsOf(DB + "-router-").stream()
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

  @SafeVarargs
  private void reshape(Map<String, Object>... shards) {
    try {
      String patch =
          JSON.writeValueAsString(
              List.of(Map.of("op", "replace", "path", "/spec/shards", "value", List.of(shards))));
      cluster
          .client()
          .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
          .inNamespace(cluster.namespace())
          .withName(DB)
          .patch(PatchContext.of(PatchType.JSON), patch);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void awaitReshaped(List<String> ids) {
    await()
        .atMost(Duration.ofMinutes(10))
        .until(
            () -> {
              Map<String, Object> st = db.status();
              List<String> published =
                  asList(asMap(st.get("applied")).get("shards")).stream()
                      .map(s -> (String) asMap(s).get("id"))
                      .sorted()
                      .toList();
              boolean resharding =
                  asList(st.get("conditions")).stream()
                      .map(DatabaseStatus::asMap)
                      .anyMatch(
                          c ->
                              "Resharding".equals(c.get("type")) && "True".equals(c.get("status")));
              return published.equals(ids.stream().sorted().toList())
                  && !resharding
                  && db.isReady();
            });
  }

  private Map<String, Object> lastMove() {
    List<Object> moves = asList(asMap(db.status().get("resharding")).get("moves"));
    return moves.isEmpty() ? Map.of() : asMap(moves.get(moves.size() - 1));
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
