package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Issue 47 item 7 (the open half of safety review 2026-11-26 #5): a range that moved from sh1 away
 * and back while sh1's secondary {@code s2} was cut off. The layout gives sh1 its range again with
 * a session floor (the back-adopt's position, lsn 5 of epoch 1); {@code s2}'s log ends before it
 * (its heartbeat says lsn 1) but still owns the range by its older history, and the client's token
 * names an sh1 entry {@code s2} holds (lsn 1). The router must send the floor with every session
 * read of sh1 and not pick a replica whose heartbeat is below it; the shard-server refuses one
 * whose log does not reach it (docs/safety.md).
 */
class SessionFloorTest {
  FakeShardServer primary;
  FakeShardServer cutOff;
  TestRouter router;

  static final String SCHEMA =
      """
      "schema":{"table":"students","shardKey":"Stud_id","columns":[
        {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]}""";

  String topology(long version, String floor) {
    return """
        {"database":"students","version":%d,"layoutGeneration":3,%s,
         "shards":[
          {"id":"sh1","low":0,"size":100,"epoch":1,"primary":"p",%s"replicas":[
            {"name":"p","url":"%s","role":"Primary"},
            {"name":"s2","url":"%s","role":"Secondary"}]}],
         "servers":{}}
        """
        .formatted(version, SCHEMA, floor, primary.url(), cutOff.url());
  }

  @BeforeEach
  void start() throws Exception {
    primary = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 100)));
    primary.heartbeatLsn = 9;
    primary.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "new"));
    cutOff = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 100)));
    cutOff.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "old"));
    router = TestRouter.start(null, Map.of("shardeddb.router.heartbeat.interval", "100ms"));
  }

  @AfterEach
  void stop() {
    router.close();
    primary.close();
    cutOff.close();
  }

  void put(String topology) {
    Http.Reply r = router.http().send("PUT", "/admin/topology", topology);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  Http.Reply sessionRead() {
    return router
        .http()
        .send(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":70,\"high\":70},\"consistency\":\"session\","
                + "\"session\":\"sh1:1@1,@layout:3\"}");
  }

  @Test
  void aSessionReadCarriesTheShardsFloorAndIsNotSentToAReplicaBelowIt() {
    // Without a floor the cut-off secondary is a candidate like any other (the schedule the floor
    // is for): some session read reaches it.
    put(topology(1, ""));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(sessionRead().status()).isEqualTo(200);
              assertThat(cutOff.readBodies).isNotEmpty();
            });
    cutOff.readBodies.clear();
    primary.readBodies.clear();

    put(topology(2, "\"sessionFloor\":{\"epoch\":1,\"lsn\":5},"));
    for (int i = 0; i < 20; i++) {
      Http.Reply r = sessionRead();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("new");
    }
    assertThat(cutOff.readBodies).isEmpty();
    assertThat(primary.readBodies)
        .hasSize(20)
        .allSatisfy(
            (JsonNode b) -> {
              assertThat(b.path("floorEpoch").asLong()).as(b.toString()).isEqualTo(1);
              assertThat(b.path("floorLsn").asLong()).as(b.toString()).isEqualTo(5);
              assertThat(b.path("consistency").asText()).isEqualTo("session");
            });

    // Reads at other levels carry no floor.
    primary.readBodies.clear();
    cutOff.readBodies.clear();
    Http.Reply any =
        router
            .http()
            .send(
                "POST",
                "/read",
                "{\"Stud_id\":{\"low\":70,\"high\":70},\"consistency\":\"primary\"}");
    assertThat(any.status()).as(any.text()).isEqualTo(200);
    assertThat(primary.readBodies)
        .singleElement()
        .satisfies(b -> assertThat(b.has("floorLsn")).isFalse());
  }
}
