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
 * Safety review 2026-11-26 #5 (issue 47 item 7): a session moving between two routers across a move
 * between <em>existing</em> shards. Range [50, 100) moved from sh1 to sh2; sh1's secondary {@code
 * s2} was cut off from its primary before the move's fence reached it, so it still owns [0, 100)
 * and holds key 70's old row, and its heartbeat still says Ready. The client writes key 70 through
 * router B (the new layout: it lands on sh2, token {@code sh2:1@1}), then reads it through router
 * A, whose layout is still the old one: key 70 routes to sh1, whose shards and epochs A's layout
 * has (sh2 at the same epoch), the token names no sh1 entry, and {@code s2} owns the range A tells
 * it — so before the fix A let {@code s2} answer the old row. The token now carries the layout
 * generation of the write ({@code status.applied.layoutGeneration}, the same for every router); A's
 * layout is older than the client's, so A waits for a newer one and otherwise reads at the primary,
 * which refuses the moved key (421) until A's layout moves it to sh2.
 */
class SessionAcrossRoutersTest {
  FakeShardServer sh1Primary;
  FakeShardServer sh1CutOff;
  FakeShardServer sh2Primary;
  TestRouter routerA;
  TestRouter routerB;

  static final String SCHEMA =
      """
      "schema":{"table":"students","shardKey":"Stud_id","columns":[
        {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]}""";

  /** sh1 [0, 100) and sh2 [100, 200): the layout before the move (generation 1). */
  String before() {
    return """
        {"database":"students","version":%d,"layoutGeneration":1,%s,
         "shards":[
          {"id":"sh1","low":0,"size":100,"epoch":1,"primary":"p","replicas":[
            {"name":"p","url":"%s","role":"Primary"},
            {"name":"s2","url":"%s","role":"Secondary"}]},
          {"id":"sh2","low":100,"size":100,"epoch":1,"primary":"q","replicas":[
            {"name":"q","url":"%s","role":"Primary"}]}],
         "servers":{}}
        """
        .formatted(1, SCHEMA, sh1Primary.url(), sh1CutOff.url(), sh2Primary.url());
  }

  /** sh1 [0, 50) and sh2 [50, 200): the layout after the move (generation 2). */
  String after(long version) {
    return """
        {"database":"students","version":%d,"layoutGeneration":2,%s,
         "shards":[
          {"id":"sh1","low":0,"size":50,"epoch":1,"primary":"p","replicas":[
            {"name":"p","url":"%s","role":"Primary"},
            {"name":"s2","url":"%s","role":"Secondary"}]},
          {"id":"sh2","low":50,"size":150,"epoch":1,"primary":"q","replicas":[
            {"name":"q","url":"%s","role":"Primary"}]}],
         "servers":{}}
        """
        .formatted(version, SCHEMA, sh1Primary.url(), sh1CutOff.url(), sh2Primary.url());
  }

  @BeforeEach
  void start() throws Exception {
    // After the move: sh1's primary was fenced for [50, 100); sh2 adopted it.
    sh1Primary = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 50)));
    // Cut off before the fence: still owns [0, 100), with key 70 as it was before the move.
    sh1CutOff = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 100)));
    sh1CutOff.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "old"));
    sh2Primary =
        new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(50, 150)));
    sh2Primary.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "old"));
    Map<String, Object> settings =
        Map.of(
            "shardeddb.router.heartbeat.interval",
            "100ms",
            "shardeddb.router.moved-retry-timeout",
            "1s");
    routerA = TestRouter.start(null, settings);
    routerB = TestRouter.start(null, settings);
    put(routerA, before());
    put(routerB, after(1));
  }

  @AfterEach
  void stop() {
    routerA.close();
    routerB.close();
    sh1Primary.close();
    sh1CutOff.close();
    sh2Primary.close();
  }

  static void put(TestRouter router, String topology) {
    Http.Reply r = router.http().send("PUT", "/admin/topology", topology);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  static Http.Reply sessionRead(TestRouter router, long key, String token) {
    return router
        .http()
        .send(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":"
                + key
                + ",\"high\":"
                + key
                + "},\"consistency\":\"session\",\"session\":\""
                + token
                + "\"}");
  }

  @Test
  void aSessionWrittenOnTheNewLayoutIsNeverReadFromTheOldOwnersCutOffSecondary() {
    // Router A's health knows s2 (Ready, in sync) and lets it serve a session it can serve.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              sessionRead(routerA, 70, "sh1:1@1");
              assertThat(sh1CutOff.seen).anyMatch(s -> s.path().equals("/read"));
            });
    sh1CutOff.seen.clear();

    Http.Reply written =
        routerB.http().send("PUT", "/update", "{\"Stud_id\":70,\"data\":{\"Stud_name\":\"new\"}}");
    assertThat(written.status()).as(written.text()).isEqualTo(200);
    String token = written.json().get("session").asText();
    assertThat(sh2Primary.rows.get(70L)).containsEntry("Stud_name", "new");

    for (int i = 0; i < 10; i++) {
      Http.Reply r = sessionRead(routerA, 70, token);
      // Served at the primary (421: the range moved) until A's layout moves it: never the old row.
      if (r.status() == 200) {
        assertThat(r.json().get("data").toString()).doesNotContain("old");
      } else {
        assertThat(r.status()).as(r.text()).isEqualTo(503);
      }
    }
    assertThat(sh1CutOff.seen).noneMatch(s -> s.path().equals("/read"));

    // Once A's informer delivers the new layout, the read goes to sh2 and sees the write.
    put(routerA, after(2));
    Http.Reply r = sessionRead(routerA, 70, token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("new");
  }

  @Test
  void aTokenOfALayoutTheRouterHasIsStillServedBySecondaries() {
    sh1CutOff.own(List.of(new PointRange(0, 50))); // caught up: it holds the fence
    put(routerA, after(2));
    Http.Reply written =
        routerB.http().send("POST", "/write", "{\"data\":[{\"Stud_id\":20,\"Stud_name\":\"x\"}]}");
    assertThat(written.status()).as(written.text()).isEqualTo(200);
    String token = written.json().get("session").asText();
    // Router A's layout is as new as the write's: the secondary may serve the session.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Http.Reply r = sessionRead(routerA, 20, token);
              assertThat(r.status()).as(r.text()).isEqualTo(200);
              assertThat(sh1CutOff.seen).anyMatch(s -> s.path().equals("/read"));
            });
  }
}
