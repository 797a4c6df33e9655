package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.storage.DatabaseNames;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A table with a composite primary key (issue 46): {@code PRIMARY KEY (user_id, order_id)}, the
 * shard key first. Shard-servers store rows by the whole key (one user, many orders), refuse a
 * duplicate of the whole key only, update and delete a row by its key tuple on every replica (the
 * stream and the stored log carry the tuple), page a read by the tuple (a page may end inside one
 * user's orders), and move a range of shard keys with every row of each.
 */
class CompositeKeysTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  /** The upper half of sh1's key space moves to sh2. */
  private static final PointRange MOVED = new PointRange(2048, 4096);

  private static final String CREATE_ORDERS =
      """
      {"version":2,"schema":{"table":"orders","shardKey":"user_id","primaryKey":["user_id","order_id"],
       "columns":[{"name":"user_id","type":"Number"},{"name":"order_id","type":"String"},
       {"name":"total","type":"Number","nullable":true}]}}""";

  private ThreeReplicaShard source;
  private ThreeReplicaShard dest;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    if (dest != null) {
      dest.close();
    }
  }

  @Test
  @DisplayName(
      "rows of a composite-keyed table are written, refused as duplicates of the whole key,"
          + " updated and deleted by their key tuple on every replica, paged by the tuple, and a"
          + " range of shard keys moves with all their rows")
  void compositeKeysAreStoredReplicatedPagedAndMoved() throws SQLException {
    source = new ThreeReplicaShard(ThreeReplicaShard.CONFIG);
    source.assignAll(1, 0);
    dest = new ThreeReplicaShard(ThreeReplicaShard.EMPTY_SH2_CONFIG);
    dest.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    Replica s = source.get(0);
    Replica d = dest.get(0);
    assertThat(Http.post(s.url() + "/schema", CREATE_ORDERS).status()).isEqualTo(200);
    assertThat(Http.post(d.url() + "/schema", CREATE_ORDERS).status()).isEqualTo(200);

    // 20 users (ids 0, 200, .., 3800), three orders each.
    TreeMap<String, Long> expected = new TreeMap<>();
    for (int u = 0; u < 20; u++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String o : List.of("o-1", "o-2", "o-😀")) {
        rows.add(order(u * 200L, o, 10L));
        expected.put(id(u * 200L, o), 10L);
      }
      Http.Reply w = Http.post(s.url() + "/write", write("w-" + u, rows));
      assertThat(w.status()).as(w.raw()).isEqualTo(200);
    }
    Http.Reply dup = Http.post(s.url() + "/write", write("w-dup", List.of(order(200L, "o-2", 1L))));
    assertThat(dup.status()).as(dup.raw()).isEqualTo(409);
    Http.Reply sameUser =
        Http.post(s.url() + "/write", write("w-o4", List.of(order(200L, "o-4", 4L))));
    assertThat(sameUser.status()).as(sameUser.raw()).isEqualTo(200);
    expected.put(id(200L, "o-4"), 4L);
    assertThat(update(s, 400L, "o-2", 99L).status()).isEqualTo(200);
    expected.put(id(400L, "o-2"), 99L);
    assertThat(update(s, 400L, "o-9", 1L).status()).isEqualTo(404);
    assertThat(delete(s, 600L, "o-1").status()).isEqualTo(200);
    expected.remove(id(600L, "o-1"));
    assertThat(delete(s, 600L, "o-1").status()).isEqualTo(404);
    Http.Reply scalar =
        Http.put(
            s.url() + "/update",
            "{\"shard\":\"sh1\",\"table\":\"orders\",\"user_id\":400,\"requestId\":\"u-s\","
                + "\"data\":{\"total\":1}}");
    assertThat(scalar.status()).as(scalar.raw()).isEqualTo(400);
    assertThat(scalar.raw()).contains("(user_id, order_id)");
    Http.Reply rekey =
        Http.put(
            s.url() + "/update",
            "{\"shard\":\"sh1\",\"table\":\"orders\",\"user_id\":[400,\"o-1\"],"
                + "\"requestId\":\"u-k\",\"data\":{\"order_id\":\"o-7\"}}");
    assertThat(rekey.status()).as(rekey.raw()).isEqualTo(400);
    assertThat(rekey.raw()).contains("a primary key column cannot be updated");

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : source.replicas) {
                assertThat(stored(r)).isEqualTo(expected);
              }
            });
    // The secondaries' logs hold the update's and delete's keys as tuples (the stream's tag 3).
    assertThat(loggedTuples(source.get(1))).contains("[400,\"o-2\"]", "[600,\"o-1\"]");

    // Pages of 4 (a page ends inside a user's orders): each row once, in key order.
    List<String> paged = new ArrayList<>();
    Object from = 0;
    int pages = 0;
    do {
      JsonNode page = read(s.url(), from, 4095);
      page.get("data")
          .forEach(r -> paged.add(id(r.get("user_id").asLong(), r.get("order_id").asText())));
      from =
          page.has("next")
              ? List.of(page.get("next").get(0).asLong(), page.get("next").get(1).asText())
              : null;
      pages++;
    } while (from != null && pages < 100);
    assertThat(paged).containsExactlyElementsOf(expected.keySet());
    assertThat(pages).isGreaterThan(10);

    Http.Reply started =
        Http.post(
            d.url() + ShardEndpoints.IMPORT,
            Http.json(
                new ImportRequest(
                    "move-c", "sh1", source.replicas.stream().map(Replica::url).toList(), MOVED)));
    assertThat(started.status()).as(started.raw()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .until(() -> heartbeat(d).path("importing").path("state").asText().equals("CatchingUp"));
    // During the catch-up: a new order, an update and a delete by tuple in the moved range.
    assertThat(
            Http.post(s.url() + "/write", write("w-late", List.of(order(3000L, "o-late", 5L))))
                .status())
        .isEqualTo(200);
    expected.put(id(3000L, "o-late"), 5L);
    assertThat(update(s, 3200L, "o-2", 77L).status()).isEqualTo(200);
    expected.put(id(3200L, "o-2"), 77L);
    assertThat(delete(s, 3400L, "o-😀").status()).isEqualTo(200);
    expected.remove(id(3400L, "o-😀"));

    Http.Reply fence = change(s, ShardEndpoints.FENCE_RANGE);
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    long fenceLsn = fence.json().get("lsn").asLong();
    await()
        .atMost(PATIENCE)
        .until(() -> heartbeat(d).path("importing").path("sourceLsn").asLong() >= fenceLsn);
    assertThat(Http.delete(d.url() + ShardEndpoints.IMPORT + "?moveId=move-c", "{}").status())
        .isEqualTo(200);
    assertThat(change(d, ShardEndpoints.ADOPT_RANGE).status()).isEqualTo(200);
    assertThat(change(s, ShardEndpoints.PURGE_RANGE).status()).isEqualTo(200);

    TreeMap<String, Long> moved = new TreeMap<>();
    TreeMap<String, Long> stayed = new TreeMap<>();
    expected.forEach(
        (k, v) -> (MOVED.contains(Long.parseLong(k.split("/")[0])) ? moved : stayed).put(k, v));
    assertThat(moved).isNotEmpty();
    assertThat(stayed).isNotEmpty();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : dest.replicas) {
                assertThat(stored(r)).isEqualTo(moved);
                assertThat(checksum(r)).isEqualTo(checksum(d));
              }
              for (Replica r : source.replicas) {
                assertThat(stored(r)).isEqualTo(stayed);
                assertThat(checksum(r)).isEqualTo(checksum(s));
              }
            });
    // The destination updates a moved row by its tuple; the source refuses it (421).
    assertThat(update(d, 3200L, "o-1", 1L, "sh2").status()).isEqualTo(200);
    assertThat(update(s, 3200L, "o-1", 2L).status()).isEqualTo(421);
  }

  private static String id(long user, String order) {
    return String.format("%05d/%s", user, order);
  }

  private static Map<String, Object> order(long user, String order, Long total) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("user_id", user);
    row.put("order_id", order);
    row.put("total", total);
    return row;
  }

  private static String write(String requestId, List<Map<String, Object>> rows) {
    return Http.json(
        Map.of(
            "shard",
            "sh1",
            "requestId",
            requestId,
            "curr_idx",
            0,
            "table",
            "orders",
            "data",
            rows));
  }

  private static JsonNode read(String url, Object low, long high) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", "sh1");
    body.put("table", "orders");
    body.put("user_id", Map.of("low", low, "high", high));
    body.put("limit", 4);
    Http.Reply r = Http.post(url + "/read", Http.json(body));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.json();
  }

  private static Http.Reply update(Replica r, long user, String order, long total) {
    return update(r, user, order, total, "sh1");
  }

  private static Http.Reply update(Replica r, long user, String order, long total, String shard) {
    return Http.put(
        r.url() + "/update",
        Http.json(
            Map.of(
                "shard",
                shard,
                "table",
                "orders",
                "user_id",
                List.of(user, order),
                "requestId",
                "u-" + user + order + total,
                "data",
                Map.of("total", total))));
  }

  private static Http.Reply delete(Replica r, long user, String order) {
    return Http.delete(
        r.url() + "/del",
        Http.json(
            Map.of(
                "shard",
                "sh1",
                "table",
                "orders",
                "user_id",
                List.of(user, order),
                "requestId",
                "d-" + user + order + System.nanoTime())));
  }

  private static Http.Reply change(Replica r, String path) {
    return Http.post(r.url() + path, Http.json(new RangeChange("move-c", MOVED)));
  }

  private static TreeMap<String, Long> stored(Replica r) throws SQLException {
    TreeMap<String, Long> out = new TreeMap<>();
    query(
        r,
        "SELECT user_id, order_id, total FROM `" + DatabaseNames.userTable("orders") + "`",
        rs -> out.put(id(rs.getLong(1), rs.getString(2)), rs.getLong(3)));
    return out;
  }

  private static List<String> loggedTuples(Replica r) throws SQLException {
    List<String> out = new ArrayList<>();
    query(
        r,
        "SELECT row_key_tuple FROM replication_log WHERE row_key_tuple IS NOT NULL",
        rs -> out.add(rs.getString(1)));
    return out;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(Replica r, String sql, RowReader reader) throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.execute("USE `" + r.database + "`");
      try (ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }
}
