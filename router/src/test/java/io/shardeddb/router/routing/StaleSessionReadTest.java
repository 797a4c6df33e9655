package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Safety review 2026-11-23 #6: a session token written through a router with a newer layout names a
 * shard this router's layout lacks (a split's new shard), or an epoch of a shard newer than this
 * router knows. This router cannot tell which replica holds the token's entry, so it must not pick
 * any healthy replica with {@code minLsn=0}: a secondary of the old owner, cut off from its
 * primary, still serves its stale rows. Such a read waits briefly for a newer layout and, if none
 * comes, is served by the primary (which holds every acknowledged write of its shard, or answers
 * 421 when the range moved away).
 */
class StaleSessionReadTest {
  FakeShardServer primary;
  FakeShardServer laggingSecondary;
  TestRouter router;
  Http http;

  @BeforeEach
  void start() throws Exception {
    List<PointRange> sh1 = List.of(new PointRange(0, 100));
    primary = new FakeShardServer("Stud_id", Sharding.Range, 10, sh1);
    laggingSecondary = new FakeShardServer("Stud_id", Sharding.Range, 10, sh1);
    primary.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "new"));
    laggingSecondary.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "old"));
    router = TestRouter.start(null, Map.of("shardeddb.router.heartbeat.interval", "100ms"));
    http = router.http();
    Http.Reply r =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[{"id":"sh1","low":0,"size":100,"epoch":1,"primary":"p","replicas":[
               {"name":"p","url":"%s","role":"Primary"},
               {"name":"s","url":"%s","role":"Secondary"}]}],
             "servers":{}}
            """
                .formatted(primary.url(), laggingSecondary.url()));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    router.close();
    primary.close();
    laggingSecondary.close();
  }

  Http.Reply sessionRead(String token) {
    return http.send(
        "POST",
        "/read",
        "{\"Stud_id\":{\"low\":60,\"high\":80},\"consistency\":\"session\",\"session\":\""
            + token
            + "\"}");
  }

  String name(Http.Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().get("data").get(0).get("Stud_name").asText();
  }

  /** A token this router understands may be served by the secondary (its heartbeat holds it). */
  void secondaryServesKnownTokens() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              sessionRead("sh1:1@1");
              assertThat(laggingSecondary.seen).anyMatch(s -> s.path().equals("/read"));
            });
    laggingSecondary.seen.clear();
  }

  @Test
  void aTokenNamingAShardTheLayoutLacksIsNeverServedByASecondary() {
    secondaryServesKnownTokens();
    for (int i = 0; i < 20; i++) {
      assertThat(name(sessionRead("sh1:1@1,sh3:5@1"))).isEqualTo("new");
    }
    assertThat(laggingSecondary.seen).noneMatch(s -> s.path().equals("/read"));
  }

  @Test
  void aTokenWithAnEpochNewerThanTheLayoutKnowsIsNeverServedByASecondary() {
    secondaryServesKnownTokens();
    for (int i = 0; i < 20; i++) {
      assertThat(name(sessionRead("sh1:1@7"))).isEqualTo("new");
    }
    assertThat(laggingSecondary.seen).noneMatch(s -> s.path().equals("/read"));
  }
}
