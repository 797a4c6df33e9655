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
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  static final String TOKEN = "failover-token";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int WRITERS = 4;
  static final int WRITES_PER_WRITER = 60;

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter router;
  Http http;
  RouterClient client;
  final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = fleet.startServers("fo", 5);
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
             "servers":{"Server0":["sh1","sh2"],"Server1":["sh1"],"Server2":["sh1"],"Server3":["sh1"]}}
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
    String oldPrimary = sh1(before).get("primary").asText();

    writeWhile(
        0,
        () -> {
          fleet.kill(oldPrimary);
          List<JsonNode> alive = replicasExcept(sh1(before), oldPrimary);
          JsonNode next = assignRoles(sh1(before), mostUpToDate(alive), alive);
          publish(before, next);
        });

    assertThat(primaryNow()).isNotEqualTo(oldPrimary);
    assertThat(retries()).as("writes that hit the dead primary were retried").isPositive();
  }

  @Test
  @Order(2)
  void givenThePrimaryIsDemotedMidStream_whenTheRouterLearnsLate_thenNotPrimaryWritesAreRetried()
      throws Exception {
    JsonNode before = http.get("/admin/topology").json();
    String oldPrimary = sh1(before).get("primary").asText();
    double retriesBefore = retries();

    writeWhile(
        1000 * WRITERS,
        () -> {
          List<JsonNode> replicas = replicasExcept(sh1(before), null);
          List<JsonNode> secondaries = replicasExcept(sh1(before), oldPrimary);
          // A planned switch-over fences the old primary first: holding a newer epoch it
          // acknowledges nothing more, so the most up-to-date secondary holds every
          // acknowledged write and can take over without losing one.
          JsonNode fenced =
              assignRoles(
                  sh1(before), secondaries.get(0), replicas, List.of(replica(before, oldPrimary)));
          ObjectNode afterFence = sh1(before).deepCopy();
          afterFence.put("epoch", fenced.get("epoch").asLong());
          JsonNode next = assignRoles(afterFence, mostUpToDate(secondaries), replicas);
          // The old primary now answers 409 "not primary"; writes wait for the topology.
          await().atMost(Duration.ofSeconds(30)).until(() -> retries() > retriesBefore);
          publish(before, next);
        });

    assertThat(primaryNow()).isNotEqualTo(oldPrimary);
  }

  /**
   * Runs {@link #WRITERS} writers of {@link #WRITES_PER_WRITER} single-row writes each (keys from
   * {@code keyBase}); a quarter of the way through runs {@code change}; then checks that every
   * write was acknowledged and that shard sh1 holds exactly the acknowledged rows.
   */
  void writeWhile(long keyBase, Change change) throws Exception {
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
    List<Long> stored =
        client.read(0, 9999).data().stream()
            .map(r -> ((Number) r.get("Stud_id")).longValue())
            .toList();
    assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
  }

  /** A topology change made while the writers run. */
  interface Change {
    void run() throws Exception;
  }

  static JsonNode sh1(JsonNode topology) {
    return topology.get("shards").get(0);
  }

  String primaryNow() {
    return sh1(http.get("/admin/topology").json()).get("primary").asText();
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

  static JsonNode replica(JsonNode topology, String name) {
    for (JsonNode r : sh1(topology).get("replicas")) {
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

  /** Pushes {@code topology} with sh1 replaced by {@code shard}, as the next version. */
  void publish(JsonNode topology, JsonNode shard) {
    ObjectNode next = topology.deepCopy();
    next.put("version", topology.get("version").asLong() + 1);
    ((ArrayNode) next.get("shards")).set(0, shard);
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
