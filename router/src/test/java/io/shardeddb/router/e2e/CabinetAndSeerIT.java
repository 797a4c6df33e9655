package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cabinet and SEER (issue 51) following a real injected latency on real shard-servers (real
 * MariaDB, real HTTP on loopback) behind a real router in standalone mode with {@code write-quorum:
 * Cabinet}. Each shard-server sits behind a {@link DelayProxy}, and the router and the replicas
 * know it only by the proxy's address, so a delay there slows everything sent to that replica: its
 * primary's replication requests (the acknowledgement round trip Cabinet weighs) and the election's
 * fence (the round trip SEER scores). Replication goes over HTTP here ({@code
 * shardeddb.replication.stream=false}): the binary stream's port is offered by the secondary
 * itself, past the proxy.
 *
 * <p>Shard sh1 has three replicas: cab-0 (Server0, the first primary), cab-1 and cab-2. Slowing
 * cab-2 drops it from the best-weighted majority {@code /query/status} shows while writes go on
 * being acknowledged; slowing cab-1 instead brings cab-2 back. With cab-1 still slowed and both
 * secondaries holding the whole log, the primary is killed and its server removed: the election
 * picks cab-2: SEER's better latency score, where the name alone would have chosen cab-1. Every
 * wait is a bounded poll; no assertion is on a measured time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CabinetAndSeerIT {
  static final String TOKEN = "cabinet-token";

  /** The injected one-way delay: well above a loopback round trip, well below every deadline. */
  static final long DELAY_MILLIS = 300;

  /** Generous: the build machine is shared and can be heavily loaded. */
  static final Duration PATIENCE = Duration.ofSeconds(120);

  /** The background writer's bound: it stops at this many writes even if never told to. */
  static final int MAX_WRITES = 20_000;

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter router;
  Http http;
  final Map<String, DelayProxy> proxies = new LinkedHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final AtomicLong acknowledged = new AtomicLong();
  final AtomicBoolean writing = new AtomicBoolean();
  final AtomicLong nextKey = new AtomicLong();
  Thread writer;

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String url = fleet.startServer("cab-" + i, Map.of("shardeddb.replication.stream", "false"));
      DelayProxy proxy = DelayProxy.start(URI.create(url).getPort());
      proxies.put("cab-" + i, proxy);
      pool.add(proxy.url());
    }
    router =
        TestRouter.start(
            TOKEN,
            Map.of(
                "shardeddb.router.database", "students",
                "shardeddb.router.standalone.shard-servers", pool,
                "shardeddb.router.standalone.write-quorum", "Cabinet",
                "shardeddb.router.heartbeat.interval", "200ms",
                "shardeddb.router.retry.timeout", "60s"));
    http = router.http();
    Http.Reply init =
        http.send(
            "POST",
            "/init",
            """
            {"N":3,
             "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
             "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":100000}],
             "servers":{"Server0":["sh1"],"Server1":["sh1"],"Server2":["sh1"]}}
            """);
    assertThat(init.status()).as(init.text()).isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    stopWriting();
    if (router != null) {
      router.close();
    }
    proxies.values().forEach(DelayProxy::close);
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void aSlowedReplicaLeavesTheBestWeightedMajorityAndReturnsOnceTheOtherIsSlower() {
    assertThat(sh1().get("primary").asText()).isEqualTo("cab-0");
    startWriting();
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(majority()).hasSize(2).startsWith("cab-0"));

    proxies.get("cab-2").delay(DELAY_MILLIS);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(majority()).containsExactly("cab-0", "cab-1");
              assertThat(weight("cab-2")).isLessThan(weight("cab-1"));
            });
    assertWritesGoOn();

    // The slowdown ends and the other secondary is slowed: cab-2 weighs more again and is back.
    proxies.get("cab-2").delay(0);
    proxies.get("cab-1").delay(DELAY_MILLIS);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(majority()).containsExactly("cab-0", "cab-2");
              assertThat(weight("cab-1")).isLessThan(weight("cab-2"));
            });
    assertWritesGoOn();
    stopWriting();
    assertThat(failures).as("writes refused while a replica was slowed").isEmpty();
  }

  @Test
  @Order(2)
  void whenThePrimaryDiesTheBestScoredOfTwoEquallyCompleteSecondariesIsElected() throws Exception {
    // cab-1 is still slowed. Nothing writes now: wait until both secondaries hold the whole log,
    // so that both are safe to elect and only SEER's score can tell them apart.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode primary = replica("cab-0");
              for (String name : List.of("cab-1", "cab-2")) {
                JsonNode r = replica(name);
                assertThat(r.get("last_entry_epoch").asLong())
                    .as(name)
                    .isEqualTo(primary.get("last_entry_epoch").asLong());
                assertThat(r.get("applied_lsn").asLong())
                    .as(name)
                    .isEqualTo(primary.get("applied_lsn").asLong());
              }
            });

    // The primary's process dies; removing its server makes the router's standalone admin elect
    // (fence-then-choose over the two answers, a majority of three: FailoverPlanner, the
    // operator's rule).
    fleet.kill("cab-0");
    Http.Reply rm = http.send("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server0\"]}");

    assertThat(rm.status()).as(rm.text()).isEqualTo(200);
    // By name cab-1 would win a tie; SEER scores cab-1's slow fence answer lower.
    assertThat(sh1().get("primary").asText()).isEqualTo("cab-2");
    Http.Reply after = write(nextKey.getAndIncrement());
    assertThat(after.status()).as(after.text()).isEqualTo(200);
    proxies.get("cab-1").delay(0);
  }

  /** Writes keep being acknowledged: twenty more than now, within the patience. */
  private void assertWritesGoOn() {
    long now = acknowledged.get();
    await().atMost(PATIENCE).until(() -> acknowledged.get() >= now + 20 || !failures.isEmpty());
    assertThat(failures).as("writes refused while a replica was slowed").isEmpty();
  }

  private void startWriting() {
    writing.set(true);
    writer =
        new Thread(
            () -> {
              for (int i = 0; i < MAX_WRITES && writing.get(); i++) {
                long key = nextKey.getAndIncrement();
                try {
                  Http.Reply r = write(key);
                  if (r.status() == 200) {
                    acknowledged.incrementAndGet();
                  } else {
                    failures.add(key + ": " + r.status() + " " + r.text());
                  }
                } catch (RuntimeException e) {
                  failures.add(key + ": " + e);
                }
              }
            },
            "cabinet-writer");
    writer.setDaemon(true);
    writer.start();
  }

  private void stopWriting() {
    writing.set(false);
    if (writer != null) {
      try {
        writer.join(Duration.ofSeconds(150).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Http.Reply write(long key) {
    return http.send(
        "POST",
        "/write",
        "{\"data\":[{\"Stud_id\":"
            + key
            + ",\"Stud_name\":\"s"
            + key
            + "\",\"Stud_marks\":"
            + (key % 100)
            + "}]}");
  }

  private JsonNode sh1() {
    JsonNode topology = http.get("/admin/topology").json();
    return topology.get("shards").get(0);
  }

  private JsonNode status() {
    Http.Reply r = http.get("/query/status");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().get("shards").get(0);
  }

  private List<String> majority() {
    List<String> names = new ArrayList<>();
    JsonNode m = status().get("best_weighted_majority");
    if (m != null) {
      m.forEach(n -> names.add(n.asText()));
    }
    return names;
  }

  private JsonNode replica(String name) {
    for (JsonNode r : status().get("replicas")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no replica " + name + " in /query/status");
  }

  private double weight(String name) {
    JsonNode w = replica(name).get("weight");
    assertThat(w).as("weight of " + name).isNotNull();
    return w.asDouble();
  }
}
