package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router against real shard-servers whose ownership changes under it (docs/resharding.md): a
 * range fenced on its shard makes writes and reads of it wait, then 503 naming the range after
 * {@code moved-retry-timeout}; the same range adopted again while a write waits lets that write
 * through. Needs the shard-server's range endpoints ({@code /ranges/fence}, {@code /ranges/adopt})
 * and its 421 checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MovedRangeIT {
  static final String TOKEN = "moved-token";

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter router;
  Http http;

  /** Router settings beyond the test's own (the transport of its data calls). */
  Map<String, Object> transport() {
    return Map.of("shardeddb.router.shard-transport", "http");
  }

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = fleet.startServers("mv", 2);
    Map<String, Object> settings =
        new java.util.HashMap<>(
            Map.of(
                "shardeddb.router.database",
                "students",
                "shardeddb.router.standalone.shard-servers",
                pool,
                "shardeddb.router.moved-retry-timeout",
                "5s"));
    settings.putAll(transport());
    router = TestRouter.start(TOKEN, settings);
    http = new Http(router.url(), TOKEN);
    Http.Reply init =
        http.send(
            "POST",
            "/init",
            """
            {"N":2,
             "schema":{"columns":["Stud_id","Stud_name"],"dtypes":["Number","String"]},
             "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":100},
                       {"Stud_id_low":100,"Shard_id":"sh2","Shard_size":100}],
             "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
            """);
    assertThat(init.status()).as(init.text()).isEqualTo(200);
    Http.Reply w =
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":10,\"Stud_name\":\"a\"},{\"Stud_id\":70,\"Stud_name\":\"b\"}]}");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
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

  /** sh1's primary, with the shard credential. */
  Http sh1Primary() {
    JsonNode topology = http.get("/admin/topology").json();
    for (JsonNode s : topology.get("shards")) {
      if (s.get("id").asText().equals("sh1")) {
        String primary = s.get("primary").asText();
        for (JsonNode r : s.get("replicas")) {
          if (r.get("name").asText().equals(primary)) {
            return new Http(r.get("url").asText(), ShardServerFleet.SHARD_CREDENTIAL);
          }
        }
      }
    }
    throw new AssertionError("sh1 has no primary in " + topology);
  }

  void rangeChange(String path, String moveId) {
    Http.Reply r =
        sh1Primary()
            .send(
                "POST", path, "{\"moveId\":\"" + moveId + "\",\"range\":{\"low\":50,\"size\":50}}");
    assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
  }

  double movedRetries() {
    return http.get("/prometheus")
        .text()
        .lines()
        .filter(l -> l.startsWith("shardeddb_router_moved_retries_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  @Order(1)
  void aFencedRangeIsRefusedAfterTheMovedTimeoutNamingTheRange() {
    rangeChange("/ranges/fence", "it-fence-1");

    Http.Reply write =
        http.send("POST", "/write", "{\"data\":[{\"Stud_id\":60,\"Stud_name\":\"c\"}]}");
    assertThat(write.status()).as(write.text()).isEqualTo(503);
    assertThat(write.message())
        .contains("Stud_id 60")
        .contains("shard sh1, which owns [0, 100)")
        .contains("moving to another shard");

    // (A /read of the fenced range fails too, but answers 500 "internal error", not 503: a failing
    // /read answers 500 whatever the cause, also on main; reported to the lead, not fixed here.)
    assertThat(movedRetries()).isGreaterThan(0);
  }

  @Test
  @Order(2)
  void aWriteWaitingOnAFencedRangeGoesThroughOnceTheShardOwnsItAgain() throws Exception {
    double before = movedRetries();
    CompletableFuture<Http.Reply> write =
        CompletableFuture.supplyAsync(
            () -> http.send("POST", "/write", "{\"data\":[{\"Stud_id\":61,\"Stud_name\":\"d\"}]}"));
    await().atMost(Duration.ofSeconds(30)).until(() -> movedRetries() > before);
    // The cut-over did not happen after all: the source owns the range again (un-fence).
    rangeChange("/ranges/adopt", "it-unfence-1");

    Http.Reply reply = write.get(60, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    Http.Reply read = http.send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":199}}");
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    List<Long> keys = new ArrayList<>();
    read.json().get("data").forEach(r -> keys.add(r.get("Stud_id").asLong()));
    assertThat(keys).containsExactly(10L, 61L, 70L);
  }
}
