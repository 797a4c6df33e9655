package io.shardeddb.router.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.routing.FakeShardServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the console's charts are drawn from: a real router counts, per shard, every write, update,
 * delete and transaction its primary acknowledged (calls, rows, latency buckets) and shows the
 * counts in {@code GET /console/api/status}; a refused write is not counted. The same calls feed
 * the Prometheus histogram {@code shardeddb_router_shard_writes_seconds}.
 */
class ConsoleWritesTest {
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
    Http.Reply pushed =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[
               {"id":"sh1","low":0,"size":100,"epoch":1,"primary":"a",
                "replicas":[{"name":"a","url":"%s","role":"Primary"}]},
               {"id":"sh2","low":100,"size":100,"epoch":1,"primary":"b",
                "replicas":[{"name":"b","url":"%s","role":"Primary"}]}],
             "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
            """
                .formatted(low.url(), high.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    router.close();
    low.close();
    high.close();
  }

  private void ok(String method, String path, String body) {
    Http.Reply r = http.send(method, path, body);
    assertThat(r.status()).as(method + " " + path + ": " + r.text()).isEqualTo(200);
  }

  private JsonNode writesOf(String shard) {
    for (JsonNode s : http.get("/console/api/status").json().get("shards")) {
      if (s.get("id").asText().equals(shard)) {
        return s.get("writes");
      }
    }
    throw new AssertionError("no shard " + shard + " in the console's status");
  }

  private static long sum(JsonNode counts) {
    long total = 0;
    for (JsonNode c : counts) {
      total += c.asLong();
    }
    return total;
  }

  /** The value of {@code name} for {@code shard} in a Prometheus scrape. */
  private static double scraped(String scrape, String name, String shard) {
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{[^}]*shard=\"" + shard + "\"[^}]*} ([0-9.eE+]+)$")
            .matcher(scrape);
    assertThat(m.find()).as(name + " for " + shard + " in:\n" + scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyAcknowledgedWriteIsCountedForItsShardWithItsRowsAndLatency() {
    JsonNode none = writesOf("sh1");
    assertThat(none == null || none.isNull()).as("nothing counted before the first write").isTrue();

    // One /write over both shards: three rows on sh1, one on sh2 (one call each).
    ok(
        "POST",
        "/write",
        "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"a\"},{\"Stud_id\":2,\"Stud_name\":\"b\"},"
            + "{\"Stud_id\":3,\"Stud_name\":\"c\"},{\"Stud_id\":101,\"Stud_name\":\"d\"}]}");
    ok("PUT", "/update", "{\"Stud_id\":101,\"data\":{\"Stud_name\":\"e\"}}");
    ok("DELETE", "/del", "{\"Stud_id\":1}");
    // Refused by the shard (no such row): not acknowledged, not counted.
    assertThat(http.send("DELETE", "/del", "{\"Stud_id\":150}").status()).isEqualTo(404);

    JsonNode sh1 = writesOf("sh1");
    assertThat(sh1.get("calls").asLong()).isEqualTo(2);
    assertThat(sh1.get("rows").asLong()).isEqualTo(4);
    assertThat(sh1.get("counts")).hasSize(sh1.get("boundsMillis").size() + 1);
    assertThat(sum(sh1.get("counts"))).isEqualTo(2);
    JsonNode sh2 = writesOf("sh2");
    assertThat(sh2.get("calls").asLong()).isEqualTo(2);
    assertThat(sh2.get("rows").asLong()).isEqualTo(2);
    assertThat(sum(sh2.get("counts"))).isEqualTo(2);

    // The same calls, for Prometheus and Grafana.
    String scrape = http.get("/prometheus").text();
    assertThat(scraped(scrape, "shardeddb_router_shard_writes_seconds_count", "sh1")).isEqualTo(2);
    assertThat(scraped(scrape, "shardeddb_router_shard_rows_written_total", "sh1")).isEqualTo(4);
    assertThat(scraped(scrape, "shardeddb_router_shard_rows_written_total", "sh2")).isEqualTo(2);
    assertThat(scrape).contains("shardeddb_router_shard_writes_seconds_bucket{");
  }
}
