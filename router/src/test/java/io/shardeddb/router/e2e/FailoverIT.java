package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.router.Http;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard's primary dies while clients keep writing; the test plays the operator (promotes the most
 * up-to-date replica under a new epoch and publishes the new topology). Writes that hit the dead
 * primary are retried against the new one, so every write is acknowledged, and every acknowledged
 * row is stored exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverIT {
  static final String TOKEN = "failover-token";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int WRITERS = 4;
  static final int WRITES_PER_WRITER = 60;

  @TempDir static Path dir;
  ShardServerFleet fleet;
  EmbeddedServer router;
  Http http;
  RouterClient client;

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = fleet.startServers("fo", 4);
    router =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.host",
                "127.0.0.1",
                "micronaut.server.port",
                -1,
                "shardeddb.router.database",
                "students",
                "shardeddb.router.auth.token",
                TOKEN,
                "shardeddb.router.standalone.shard-servers",
                pool,
                "shardeddb.router.retry.timeout",
                "30s"));
    String base = "http://127.0.0.1:" + router.getPort();
    http = new Http(base, TOKEN);
    client = new RouterClient(base, TOKEN, "Stud_id");
    Http.Reply init =
        http.send(
            "POST",
            "/init",
            """
            {"N":3,
             "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
             "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":10000},
                       {"Stud_id_low":10000,"Shard_id":"sh2","Shard_size":10000}],
             "servers":{"Server0":["sh1","sh2"],"Server1":["sh1"],"Server2":["sh1"]}}
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
  void givenThePrimaryDiesMidStream_whenANewPrimaryIsPublished_thenNoWriteIsLostOrDuplicated()
      throws Exception {
    JsonNode before = http.get("/admin/topology").json();
    JsonNode sh1 = before.get("shards").get(0);
    String oldPrimary = sh1.get("primary").asText();

    Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      running.add(
          writers.submit(
              () -> {
                for (int i = 0; i < WRITES_PER_WRITER; i++) {
                  long key = writer * 1000L + i;
                  try {
                    client.write(
                        List.of(
                            Map.of("Stud_id", key, "Stud_name", "w" + writer, "Stud_marks", i)));
                    acknowledged.put(key, true);
                  } catch (RouterException e) {
                    failures.add(key + ": " + e.getMessage());
                  }
                  done.incrementAndGet();
                }
              }));
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> done.get() >= WRITERS * WRITES_PER_WRITER / 4);

    fleet.kill(oldPrimary);
    promoteMostUpToDate(before, sh1, oldPrimary);

    writers.shutdown();
    assertThat(writers.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
    for (Future<?> f : running) {
      f.get();
    }

    assertThat(failures).isEmpty();
    assertThat(acknowledged).hasSize(WRITERS * WRITES_PER_WRITER);
    List<Long> stored =
        client.read(0, 9999).data().stream()
            .map(r -> ((Number) r.get("Stud_id")).longValue())
            .toList();
    assertThat(stored)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
    assertThat(http.get("/admin/topology").json().get("shards").get(0).get("primary").asText())
        .isNotEqualTo(oldPrimary);
    assertThat(retries()).as("writes that hit the dead primary were retried").isPositive();
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

  /** What the operator does on failover: new epoch, new primary, roles to all, new status. */
  void promoteMostUpToDate(JsonNode topology, JsonNode shard, String deadPrimary) {
    List<JsonNode> alive = new ArrayList<>();
    shard
        .get("replicas")
        .forEach(
            r -> {
              if (!r.get("name").asText().equals(deadPrimary)) {
                alive.add(r);
              }
            });
    JsonNode best = null;
    long bestLsn = -1;
    for (JsonNode r : alive) {
      long lsn =
          new Http(r.get("url").asText(), null).get("/heartbeat").json().get("appliedLsn").asLong();
      if (lsn > bestLsn) {
        bestLsn = lsn;
        best = r;
      }
    }
    long epoch = shard.get("epoch").asLong() + 1;
    ObjectNode primaryPeer =
        JSON.createObjectNode()
            .put("name", best.get("name").asText())
            .put("url", best.get("url").asText());
    ArrayNode peers = JSON.createArrayNode();
    alive.forEach(
        r ->
            peers.add(
                JSON.createObjectNode()
                    .put("name", r.get("name").asText())
                    .put("url", r.get("url").asText())));
    // The new primary first, so the secondaries find it ready when they follow it.
    String bestName = best.get("name").asText();
    List<JsonNode> ordered = new ArrayList<>(alive);
    ordered.sort(
        (a, b) ->
            Boolean.compare(
                !a.get("name").asText().equals(bestName),
                !b.get("name").asText().equals(bestName)));
    for (JsonNode r : ordered) {
      boolean isPrimary = r.get("name").asText().equals(best.get("name").asText());
      ObjectNode role =
          JSON.createObjectNode()
              .put("epoch", epoch)
              .put("role", isPrimary ? "Primary" : "Secondary")
              .put("writeQuorum", "Majority");
      role.set("primary", primaryPeer);
      role.set("peers", peers);
      Http.Reply reply =
          new Http(r.get("url").asText(), null).send("POST", "/role", role.toString());
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    }
    ObjectNode next = topology.deepCopy();
    next.put("version", topology.get("version").asLong() + 1);
    ObjectNode s = (ObjectNode) next.withArray("shards").get(0);
    s.put("epoch", epoch);
    s.put("primary", best.get("name").asText());
    ArrayNode replicas = JSON.createArrayNode();
    for (JsonNode r : alive) {
      ObjectNode copy = r.deepCopy();
      copy.put(
          "role",
          r.get("name").asText().equals(best.get("name").asText()) ? "Primary" : "Secondary");
      replicas.add(copy);
    }
    s.set("replicas", replicas);
    Http.Reply pushed = http.send("PUT", "/admin/topology", next.toString());
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }
}
