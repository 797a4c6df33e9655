package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A {@code /log} page is bounded by the size of its entries, not only their count: a secondary
 * catching up after big writes never makes the primary hold thousands of them at once. Here the
 * budget is 100,000 characters and each write carries ~60,000, so a page holds at most two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoundedLogPageTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["Stud_id","Stud_name"],"dtypes":["Number","String"]},
       "shards":["sh1"], "table":"students", "shardKey":"Stud_id", "low":0, "size":4096}
      """;

  private Replica server;
  private String url;

  @BeforeAll
  void startServer() {
    server =
        Replica.start(
            "Server0",
            "logpage_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of("shardeddb.replication.log-page-chars", 100_000));
    url = server.url();
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    assertThat(Http.post(url + "/role", Http.json(role)).status()).isEqualTo(200);
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  @Test
  void bigEntriesComeAFewAtATimeAndEveryOneArrives() {
    String filler = "z".repeat(1000);
    for (int w = 0; w < 8; w++) {
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < 60; i++) {
        int id = w * 60 + i;
        rows.append(rows.isEmpty() ? "" : ",")
            .append("{\"Stud_id\":")
            .append(id)
            .append(",\"Stud_name\":\"")
            .append(filler)
            .append("\"}");
      }
      Http.Reply r = Http.post(url + "/write", "{\"shard\":\"sh1\",\"data\":[" + rows + "]}");
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    long last = Http.get(url + "/heartbeat").json().get("appliedLsn").asLong();
    List<Integer> pageSizes = new ArrayList<>();
    long from = 1;
    int writes = 0;
    while (from <= last) {
      Http.Reply page = Http.get(url + "/log?fromLsn=" + from + "&limit=1000");
      assertThat(page.status()).as(page.raw()).isEqualTo(200);
      var entries = page.json().get("entries");
      assertThat(entries.size()).isPositive();
      pageSizes.add(entries.size());
      for (var e : entries) {
        assertThat(e.get("lsn").asLong()).isEqualTo(from);
        from++;
        if (e.get("op").asText().equals("Write")) {
          writes++;
        }
      }
      assertThat(pageSizes.size()).isLessThan(50);
    }
    assertThat(writes).isEqualTo(8);
    // ~60,000 characters a write and a budget of 100,000: never more than two writes a page.
    assertThat(pageSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
  }
}
