package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard's primary changes while clients keep writing, and the test plays the operator (new epoch,
 * roles to the replicas, new topology for the router). Whether the old primary died or was demoted
 * and answers "not primary", writes that hit it are retried against the new one with the same
 * request id: every write is acknowledged, and every acknowledged row is stored exactly once. Shard
 * sh1 starts with four replicas so that after the kill three remain, and the new primary's quorum
 * never depends on the replica that was just demoted.
 *
 * <p>sh1 owns the lowest key, so its primary is also the timestamp oracle (DESIGN §11): every write
 * takes its global timestamp there first. A demoted oracle primary therefore holds writes to every
 * shard at the router until the topology names the new one (they never reach a shard to be
 * refused); the demotion whose refusals are counted as retries is sh2's, whose primary serves no
 * timestamps (before, the test demoted sh1's and depended on a write racing past the oracle).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  static final String TOKEN = "failover-token";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int WRITERS = 4;
  static final int WRITES_PER_WRITER = 60;
  static final long SHARD_SIZE = 10000;
  static final long SH2_LOW = 10000;

  /** How long after a switch-over the router of the oracle test is told of it. */
  static final Duration ROUTER_LEARNS_LATE = Duration.ofMillis(1500);

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter router;
  Http http;
  RouterClient client;
  final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = fleet.startServers("fo", 7);
    router =
        TestRouter.start(
            TOKEN,
            Map.of(
                "shardeddb.router.database",
                "students",
                "shardeddb.router.standalone.shard-servers",
                pool,
                // Generous: the build machine is shared and can be heavily loaded.
                "shardeddb.router.retry.timeout",
                "60s"));
    String base = router.url();
    http = new Http(base, TOKEN);
    client = new RouterClient(base, TOKEN, "Stud_id", Duration.ofSeconds(120));
    Http.Reply init =
        http.send(
            "POST",
            "/init",
            """
            {"N":3,
             "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
             "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":10000},
                       {"Stud_id_low":10000,"Shard_id":"sh2","Shard_size":10000}],
             "servers":{"Server0":["sh1","sh2"],"Server1":["sh1","sh2"],"Server2":["sh1","sh2"],
                        "Server3":["sh1"]}}
            """);
    assertThat(init.status()).as(init.text()).isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) {
      router.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void givenThePrimaryDiesMidStream_whenANewPrimaryIsPublished_thenNoWriteIsLostOrDuplicated()
      throws Exception {
    JsonNode before = http.get("/admin/topology").json();
    String oldPrimary = shard(before, "sh1").get("primary").asText();

    writeWhile(
        0,
        () -> {
          fleet.kill(oldPrimary);
          List<JsonNode> alive = replicasExcept(shard(before, "sh1"), oldPrimary);
          JsonNode next = assignRoles(shard(before, "sh1"), mostUpToDate(alive), alive);
          publish(before, next);
        });

    assertThat(primaryNow("sh1")).isNotEqualTo(oldPrimary);
    assertThat(retries()).as("writes that hit the dead primary were retried").isPositive();
  }

  @Test
  @Order(2)
  void givenThePrimaryIsDemotedMidStream_whenTheRouterLearnsLate_thenNotPrimaryWritesAreRetried()
      throws Exception {
    double retriesBefore = retries();

    String oldPrimary =
        demoteWhileWriting(
            "sh2",
            SH2_LOW,
            // The old primary now answers 409 "not primary"; writes wait for the topology.
            () -> await().atMost(Duration.ofSeconds(30)).until(() -> retries() > retriesBefore));

    assertThat(primaryNow("sh2")).isNotEqualTo(oldPrimary);
  }

  @Test
  @Order(3)
  void givenTheOraclesPrimaryIsDemotedMidStream_whenTheRouterLearnsLate_thenWritesWaitAndNoneFails()
      throws Exception {
    String oldPrimary =
        demoteWhileWriting(
            "sh1",
            1000 * WRITERS,
            // Every write waits at the router for a timestamp the demoted oracle no longer hands
            // out (DESIGN §11); the router learns of the new primary this much later.
            () -> Thread.sleep(ROUTER_LEARNS_LATE.toMillis()));

    assertThat(primaryNow("sh1")).isNotEqualTo(oldPrimary);
  }

  /**
   * A planned switch-over of {@code shardId} while writers write keys from {@code keyBase} (in that
   * shard): the old primary is fenced first — holding a newer epoch it acknowledges nothing more,
   * so the most up-to-date secondary holds every acknowledged write and can take over without
   * losing one — then the new roles are sent, and the router is told only after {@code
   * routerLearns}. Returns the old primary's name.
   */
  String demoteWhileWriting(String shardId, long keyBase, Change routerLearns) throws Exception {
    JsonNode before = http.get("/admin/topology").json();
    JsonNode shard = shard(before, shardId);
    String oldPrimary = shard.get("primary").asText();
    writeWhile(
        shardId,
        keyBase,
        () -> {
          List<JsonNode> replicas = replicasExcept(shard, null);
          List<JsonNode> secondaries = replicasExcept(shard, oldPrimary);
          JsonNode fenced =
              assignRoles(shard, secondaries.get(0), replicas, List.of(replica(shard, oldPrimary)));
          ObjectNode afterFence = shard.deepCopy();
          afterFence.put("epoch", fenced.get("epoch").asLong());
          JsonNode next = assignRoles(afterFence, mostUpToDate(secondaries), replicas);
          routerLearns.run();
          publish(before, next);
        });
    return oldPrimary;
  }

  /** As {@link #writeWhile(String, long, Change)} on sh1. */
  void writeWhile(long keyBase, Change change) throws Exception {
    writeWhile("sh1", keyBase, change);
  }

  /**
   * Runs {@link #WRITERS} writers of {@link #WRITES_PER_WRITER} single-row writes each (keys from
   * {@code keyBase}, all in shard {@code shardId}); a quarter of the way through runs {@code
   * change}; then checks that every write was acknowledged and that the shard holds exactly the
   * acknowledged rows of its range.
   */
  void writeWhile(String shardId, long keyBase, Change change) throws Exception {
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      long first = keyBase + w * 1000L;
      running.add(
          writers.submit(
              () -> {
                for (int i = 0; i < WRITES_PER_WRITER; i++) {
                  long key = first + i;
                  try {
                    client.write(
                        List.of(Map.of("Stud_id", key, "Stud_name", "w" + key, "Stud_marks", i)));
                    acknowledged.add(key);
                  } catch (RouterException e) {
                    failures.add(key + ": " + e.getMessage());
                  }
                  done.incrementAndGet();
                }
              }));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> done.get() >= WRITERS * WRITES_PER_WRITER / 4);
    change.run();
    writers.shutdown();
    assertThat(writers.awaitTermination(300, TimeUnit.SECONDS)).isTrue();
    for (Future<?> f : running) {
      f.get();
    }

    assertThat(failures).isEmpty();
    long low = shardId.equals("sh1") ? 0 : SH2_LOW;
    List<Long> stored =
        client.read(low, low + SHARD_SIZE - 1).data().stream()
            .map(r -> ((Number) r.get("Stud_id")).longValue())
            .toList();
    List<Long> ackedHere =
        acknowledged.stream().filter(k -> k >= low && k < low + SHARD_SIZE).toList();
    assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ackedHere);
  }

  /** A topology change made while the writers run. */
  interface Change {
    void run() throws Exception;
  }

  static JsonNode shard(JsonNode topology, String id) {
    for (JsonNode s : topology.get("shards")) {
      if (s.get("id").asText().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no shard " + id + " in " + topology);
  }

  String primaryNow(String shardId) {
    return shard(http.get("/admin/topology").json(), shardId).get("primary").asText();
  }

  static List<JsonNode> replicasExcept(JsonNode shard, String name) {
    List<JsonNode> out = new ArrayList<>();
    shard
        .get("replicas")
        .forEach(
            r -> {
              if (!r.get("name").asText().equals(name)) {
                out.add(r);
              }
            });
    return out;
  }

  static JsonNode replica(JsonNode shard, String name) {
    for (JsonNode r : shard.get("replicas")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no replica " + name);
  }

  /** The replica whose heartbeat reports the highest applied LSN. */
  static JsonNode mostUpToDate(List<JsonNode> replicas) {
    JsonNode best = null;
    long bestLsn = -1;
    for (JsonNode r : replicas) {
      long lsn =
          new Http(r.get("url").asText(), ShardServerFleet.SHARD_CREDENTIAL)
              .get("/heartbeat")
              .json()
              .get("appliedLsn")
              .asLong();
      if (lsn > bestLsn) {
        bestLsn = lsn;
        best = r;
      }
    }
    return best;
  }

  /**
   * What the operator does on a primary change: the next epoch, {@code /role} to every replica (the
   * new primary first, so secondaries find it ready), and the shard as the status would now show
   * it.
   */
  static JsonNode assignRoles(JsonNode shard, JsonNode primary, List<JsonNode> replicas) {
    return assignRoles(shard, primary, replicas, replicas);
  }

  /** The same, sending {@code /role} only to {@code targets} (e.g. to fence one replica). */
  static JsonNode assignRoles(
      JsonNode shard, JsonNode primary, List<JsonNode> replicas, List<JsonNode> targets) {
    long epoch = shard.get("epoch").asLong() + 1;
    String primaryName = primary.get("name").asText();
    ObjectNode primaryPeer =
        JSON.createObjectNode().put("name", primaryName).put("url", primary.get("url").asText());
    ArrayNode peers = JSON.createArrayNode();
    replicas.forEach(
        r ->
            peers.add(
                JSON.createObjectNode()
                    .put("name", r.get("name").asText())
                    .put("url", r.get("url").asText())));
    List<JsonNode> ordered = new ArrayList<>(targets);
    ordered.sort(
        (a, b) ->
            Boolean.compare(
                !a.get("name").asText().equals(primaryName),
                !b.get("name").asText().equals(primaryName)));
    ArrayNode roled = JSON.createArrayNode();
    for (JsonNode r : ordered) {
      boolean isPrimary = r.get("name").asText().equals(primaryName);
      ObjectNode role =
          JSON.createObjectNode()
              .put("epoch", epoch)
              .put("role", isPrimary ? "Primary" : "Secondary")
              .put("writeQuorum", "Majority");
      role.set("primary", primaryPeer);
      role.set("peers", peers);
      Http.Reply reply =
          new Http(r.get("url").asText(), ShardServerFleet.SHARD_CREDENTIAL)
              .send("POST", "/role", role.toString());
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      roled.add(((ObjectNode) r.deepCopy()).put("role", isPrimary ? "Primary" : "Secondary"));
    }
    ObjectNode next = shard.deepCopy();
    next.put("epoch", epoch);
    next.put("primary", primaryName);
    next.set("replicas", roled);
    return next;
  }

  /** Pushes {@code topology} with the shard of {@code shard}'s id replaced by it, next version. */
  void publish(JsonNode topology, JsonNode shard) {
    ObjectNode next = topology.deepCopy();
    next.put("version", topology.get("version").asLong() + 1);
    ArrayNode shards = (ArrayNode) next.get("shards");
    for (int i = 0; i < shards.size(); i++) {
      if (shards.get(i).get("id").asText().equals(shard.get("id").asText())) {
        shards.set(i, shard);
      }
    }
    Http.Reply pushed = http.send("PUT", "/admin/topology", next.toString());
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }

  /** The router's retry counter, read from its Prometheus endpoint. */
  double retries() {
    return http.get("/prometheus")
        .text()
        .lines()
        .filter(l -> l.startsWith("shardeddb_router_retries_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
