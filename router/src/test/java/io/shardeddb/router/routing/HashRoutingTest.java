package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Hash-sharded database through a real router and two stand-in shard-servers: each key goes to
 * the shard owning its hash, a key range is read from every shard and merged in key order (across
 * pages), every call carries the shard's ranges in {@code X-Shard-Owned}, and /status says Hash.
 */
class HashRoutingTest {
  static final long HALF = Sharding.HASH_SPACE / 2;

  FakeShardServer a;
  FakeShardServer b;
  TestRouter router;
  Http http;

  @BeforeEach
  void start() throws Exception {
    // Three rows a page, so a range read of a few dozen keys takes many pages from each shard.
    a = new FakeShardServer("Stud_id", Sharding.Hash, 3, List.of(new PointRange(0, HALF)));
    b = new FakeShardServer("Stud_id", Sharding.Hash, 3, List.of(new PointRange(HALF, HALF)));
    router = TestRouter.start(null, Map.of());
    http = router.http();
    Http.Reply pushed =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,"sharding":"Hash",
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[
               {"id":"sh1","low":0,"size":%d,"epoch":1,"primary":"a",
                "replicas":[{"name":"a","url":"%s","role":"Primary"}]},
               {"id":"sh2","low":%d,"size":%d,"epoch":1,"primary":"b",
                "replicas":[{"name":"b","url":"%s","role":"Primary"}]}],
             "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
            """
                .formatted(HALF, a.url(), HALF, HALF, b.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    router.close();
    a.close();
    b.close();
  }

  static String rows(long from, long to) {
    List<String> rows = new ArrayList<>();
    for (long k = from; k <= to; k++) {
      rows.add("{\"Stud_id\":" + k + ",\"Stud_name\":\"n" + k + "\"}");
    }
    return "{\"data\":[" + String.join(",", rows) + "]}";
  }

  @Test
  void eachKeyIsWrittenToTheShardOwningItsHash() {
    Http.Reply w = http.send("POST", "/write", rows(1, 40));
    assertThat(w.status()).as(w.text()).isEqualTo(200);
    assertThat(w.message()).isEqualTo("40 Data entries added");

    List<Long> toA =
        LongStream.rangeClosed(1, 40).filter(k -> Sharding.hash(k) < HALF).boxed().toList();
    List<Long> toB =
        LongStream.rangeClosed(1, 40).filter(k -> Sharding.hash(k) >= HALF).boxed().toList();
    // Both shards get some keys, and under Range all 40 would have gone to sh1.
    assertThat(toA).isNotEmpty();
    assertThat(toB).isNotEmpty();
    assertThat(a.keys()).isEqualTo(toA);
    assertThat(b.keys()).isEqualTo(toB);
  }

  @Test
  void aKeyRangeIsReadFromEveryShardAndMergedInKeyOrderAcrossPages() {
    assertThat(http.send("POST", "/write", rows(1, 40)).status()).isEqualTo(200);

    Http.Reply read = http.send("POST", "/read", "{\"Stud_id\":{\"low\":5,\"high\":30}}");

    assertThat(read.status()).as(read.text()).isEqualTo(200);
    List<Long> keys = new ArrayList<>();
    for (JsonNode row : read.json().get("data")) {
      keys.add(row.get("Stud_id").asLong());
    }
    assertThat(keys).isEqualTo(LongStream.rangeClosed(5, 30).boxed().toList());
    assertThat(read.json().get("shards_queried"))
        .extracting(JsonNode::asText)
        .containsExactly("sh1", "sh2");
    // Each shard answered several pages (the merge pulled them in as it went).
    assertThat(a.seen.stream().filter(s -> s.path().equals("/read")).count()).isGreaterThan(1);
    assertThat(b.seen.stream().filter(s -> s.path().equals("/read")).count()).isGreaterThan(1);
  }

  @Test
  void pointUpdatesAndDeletesGoToTheOwnerOfTheKeysHash() {
    assertThat(http.send("POST", "/write", rows(1, 10)).status()).isEqualTo(200);
    long onB =
        LongStream.rangeClosed(1, 10)
            .filter(k -> Sharding.hash(k) >= HALF)
            .findFirst()
            .orElseThrow();

    Http.Reply up =
        http.send(
            "PUT",
            "/update",
            "{\"Stud_id\":" + onB + ",\"data\":{\"Stud_id\":" + onB + ",\"Stud_name\":\"x\"}}");
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    assertThat(b.rows.get(onB)).containsEntry("Stud_name", "x");

    Http.Reply del = http.send("DELETE", "/del", "{\"Stud_id\":" + onB + "}");
    assertThat(del.status()).as(del.text()).isEqualTo(200);
    assertThat(b.rows).doesNotContainKey(onB);
    assertThat(a.seen).noneMatch(s -> s.keys().contains(onB));
  }

  @Test
  void everyDataCallCarriesTheRangesTheLayoutGivesTheShard() {
    http.send("POST", "/write", rows(1, 20));
    http.send("POST", "/read", "{\"Stud_id\":{\"low\":1,\"high\":20}}");

    assertThat(a.seen).isNotEmpty();
    assertThat(b.seen).isNotEmpty();
    assertThat(a.seen)
        .allSatisfy(
            s ->
                assertThat(s.owned())
                    .isEqualTo(ShardEndpoints.ownedHeader(List.of(new PointRange(0, HALF)))));
    assertThat(b.seen).allSatisfy(s -> assertThat(s.owned()).isEqualTo(HALF + "+" + HALF));
  }

  @Test
  void statusSaysTheDatabaseIsHashSharded() {
    Http.Reply status = http.get("/status");
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.json().get("sharding").asText()).isEqualTo("Hash");
    assertThat(status.json().get("N").asInt()).isEqualTo(2);
    assertThat(status.json().get("shards").get(1).get("Stud_id_low").asLong()).isEqualTo(HALF);
  }
}
