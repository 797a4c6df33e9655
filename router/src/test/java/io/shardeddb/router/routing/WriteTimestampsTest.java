package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Global timestamps through a real router (DESIGN §11, docs/timestamps.md): every write, update and
 * delete carries a slot the router fetched from the oracle — the primary of the shard owning the
 * lowest point — after the write arrived, so writes one after another carry increasing ones on both
 * shards; an oracle from before timestamps (404) leaves writes without one, still written.
 */
class WriteTimestampsTest {
  FakeShardServer low;
  FakeShardServer high;
  TestRouter router;
  Http http;

  @BeforeEach
  void start() throws Exception {
    low = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 100)));
    high = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(100, 100)));
    router = TestRouter.start(null, Map.of());
    http = router.http();
    // sh2 is listed first: the oracle is the shard owning the lowest point (sh1), not the first.
    Http.Reply pushed =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[
               {"id":"sh2","low":100,"size":100,"epoch":1,"primary":"b",
                "replicas":[{"name":"b","url":"%s","role":"Primary"}]},
               {"id":"sh1","low":0,"size":100,"epoch":1,"primary":"a",
                "replicas":[{"name":"a","url":"%s","role":"Primary"}]}],
             "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
            """
                .formatted(high.url(), low.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    router.close();
    low.close();
    high.close();
  }

  private void write(long key) {
    Http.Reply w =
        http.send("POST", "/write", "{\"data\":[{\"Stud_id\":" + key + ",\"Stud_name\":\"n\"}]}");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
  }

  @Test
  void writesOneAfterAnotherCarryIncreasingSlotsFromTheOracleShard() {
    long first = 1L << 40;
    low.servesTimestamps(first);
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      write(i % 2 == 0 ? i : 100 + i);
      sent.add(i % 2 == 0 ? last(low) : last(high));
    }
    Http.Reply up = http.send("PUT", "/update", "{\"Stud_id\":103,\"data\":{\"Stud_name\":\"m\"}}");
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    sent.add(last(high));
    Http.Reply del = http.send("DELETE", "/del", "{\"Stud_id\":4}");
    assertThat(del.status()).as(del.text()).isEqualTo(200);
    sent.add(last(low));
    assertThat(sent).isSorted().doesNotHaveDuplicates().allMatch(ts -> ts >= first);
    // Only sh1 serves /timestamps (sh2 answers 404): had sh2 been asked, its writes carried none.
    assertThat(high.timestamps).doesNotContain(0L);
  }

  @Test
  void anOracleFromBeforeTimestampsLeavesWritesWithoutOne() {
    write(1);
    write(101);
    assertThat(low.timestamps).containsExactly(0L);
    assertThat(high.timestamps).containsExactly(0L);
  }

  private static long last(FakeShardServer s) {
    return s.timestamps.get(s.timestamps.size() - 1);
  }
}
