package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
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
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A table whose shard key is a String (issue 46, under {@code sharding: Hash}): shard-servers
 * store, refuse duplicates of, update and delete rows by their String key, replicate those changes
 * to every replica (the binary stream carries the key as text; the stored log keeps it in {@code
 * row_key_text}) and move a hash range of them to another shard — the snapshot's rows and the
 * changes made during the copy, each placed by its key's hash. Three replicas per shard on MariaDB,
 * the shard-servers' own import, fence, adopt and purge.
 */
class StringKeysTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  /** The lower half of the hash space moves from sh1 to sh2. */
  private static final PointRange MOVED = new PointRange(0, Sharding.HASH_SPACE / 2);

  private static final String HASH_CONFIG =
      ThreeReplicaShard.CONFIG.replace(
          "\"low\":0, \"size\":4096", "\"sharding\":\"Hash\", \"low\":0, \"size\":4294967296");

  private static final String EMPTY_SH2 =
      HASH_CONFIG
          .replace("[\"sh1\"]", "[\"sh2\"]")
          .replace("\"low\":0, \"size\":4294967296", "\"ranges\":[]");

  private static final String CREATE_USERS =
      """
      {"version":2,"schema":{"table":"users","shardKey":"name","columns":[
       {"name":"name","type":"String"},{"name":"city","type":"String","nullable":true}]}}""";

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
      "rows of a String-keyed table are written, refused as duplicates, updated and deleted by"
          + " their key on every replica, and a hash range of them moves with the changes made"
          + " during the copy")
  void stringKeysAreStoredReplicatedAndMovedByTheirHash() throws SQLException {
    source = new ThreeReplicaShard(HASH_CONFIG);
    source.assignAll(1, 0);
    dest = new ThreeReplicaShard(EMPTY_SH2);
    dest.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    Replica s = source.get(0);
    Replica d = dest.get(0);
    assertThat(Http.post(s.url() + "/schema", CREATE_USERS).status()).isEqualTo(200);
    assertThat(Http.post(d.url() + "/schema", CREATE_USERS).status()).isEqualTo(200);

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add("user-" + i + (i % 3 == 0 ? "-Ünïcødé-😀" : ""));
    }
    for (int i = 0; i < names.size(); i += 10) {
      Http.Reply w =
          Http.post(s.url() + "/write", users("sh1", "w-" + i, names.subList(i, i + 10)));
      assertThat(w.status()).as(w.raw()).isEqualTo(200);
    }
    // A String key compares exactly: another case is another key, the same text a duplicate.
    Http.Reply upper = Http.post(s.url() + "/write", users("sh1", "w-upper", List.of("USER-1")));
    assertThat(upper.status()).as(upper.raw()).isEqualTo(200);
    // Trailing spaces count (NO PAD): "pad" and "pad " are two keys.
    Http.Reply padded =
        Http.post(s.url() + "/write", users("sh1", "w-pad", List.of("pad", "pad ")));
    assertThat(padded.status()).as(padded.raw()).isEqualTo(200);
    Http.Reply dup = Http.post(s.url() + "/write", users("sh1", "w-dup", List.of("user-1")));
    assertThat(dup.status()).as(dup.raw()).isEqualTo(409);
    assertThat(dup.raw()).contains("name:user-1 already exists in table users");
    assertThat(update(s, "sh1", "user-2", "Oslo").status()).isEqualTo(200);
    Http.Reply missing = update(s, "sh1", "nobody", "Rome");
    assertThat(missing.status()).as(missing.raw()).isEqualTo(404);
    assertThat(delete(s, "sh1", "user-4").status()).isEqualTo(200);
    assertThat(delete(s, "sh1", "user-4").status()).isEqualTo(404);
    Http.Reply tooLong =
        Http.post(s.url() + "/write", users("sh1", "w-long", List.of("x".repeat(256))));
    assertThat(tooLong.status()).as(tooLong.raw()).isEqualTo(400);
    assertThat(tooLong.raw()).contains("at most 255");

    TreeSet<String> expected = new TreeSet<>(names);
    expected.add("USER-1");
    expected.add("pad");
    expected.add("pad ");
    expected.remove("user-4");
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : source.replicas) {
                assertThat(storedNames(r)).containsExactlyElementsOf(expected);
                assertThat(city(r, "user-2")).isEqualTo("Oslo");
              }
            });
    // The secondaries' logs hold the delete's key as text (the stream carried it, tag 2).
    assertThat(loggedTextKeys(source.get(1))).contains("user-2", "user-4");

    Http.Reply started =
        Http.post(
            d.url() + ShardEndpoints.IMPORT,
            Http.json(
                new ImportRequest(
                    "move-s", "sh1", source.replicas.stream().map(Replica::url).toList(), MOVED)));
    assertThat(started.status()).as(started.raw()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .until(() -> heartbeat(d).path("importing").path("state").asText().equals("CatchingUp"));
    // After the snapshot: the catch-up brings each change whose key hashes into the range.
    List<String> later = List.of("late-a", "late-b", "late-c", "late-d", "late-e", "late-f");
    assertThat(Http.post(s.url() + "/write", users("sh1", "w-late", later)).status())
        .isEqualTo(200);
    expected.addAll(later);
    for (String n : List.of("user-5", "user-7", "user-8", "user-10")) {
      assertThat(update(s, "sh1", n, "Lima").status()).isEqualTo(200);
    }
    assertThat(delete(s, "sh1", "user-11").status()).isEqualTo(200);
    expected.remove("user-11");

    Http.Reply fence = change(s, ShardEndpoints.FENCE_RANGE);
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    long fenceLsn = fence.json().get("lsn").asLong();
    await()
        .atMost(PATIENCE)
        .until(() -> heartbeat(d).path("importing").path("sourceLsn").asLong() >= fenceLsn);
    assertThat(Http.delete(d.url() + ShardEndpoints.IMPORT + "?moveId=move-s", "{}").status())
        .isEqualTo(200);
    assertThat(change(d, ShardEndpoints.ADOPT_RANGE).status()).isEqualTo(200);
    assertThat(change(s, ShardEndpoints.PURGE_RANGE).status()).isEqualTo(200);

    TreeSet<String> moved =
        expected.stream()
            .filter(n -> MOVED.contains(Sharding.hash(n)))
            .collect(Collectors.toCollection(TreeSet::new));
    TreeSet<String> stayed = new TreeSet<>(expected);
    stayed.removeAll(moved);
    assertThat(moved).isNotEmpty();
    assertThat(stayed).isNotEmpty();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : dest.replicas) {
                assertThat(storedNames(r)).containsExactlyElementsOf(moved);
                assertThat(checksum(r)).isEqualTo(checksum(d));
              }
              for (Replica r : source.replicas) {
                assertThat(storedNames(r)).containsExactlyElementsOf(stayed);
                assertThat(checksum(r)).isEqualTo(checksum(s));
              }
            });
    for (String n : List.of("user-5", "user-7", "user-8", "user-10")) {
      Replica owner = MOVED.contains(Sharding.hash(n)) ? d : s;
      assertThat(city(owner, n)).as(n).isEqualTo("Lima");
    }
    // A write of a key the source gave away is refused there (421), naming its hash point.
    String gone = moved.first();
    Http.Reply refused = update(s, "sh1", gone, "Nowhere");
    assertThat(refused.status()).as(refused.raw()).isEqualTo(421);
    assertThat(refused.raw()).contains("hash point " + Sharding.hash(gone));
  }

  @Test
  @DisplayName("a String-keyed table under Range sharding is refused, naming why")
  void aStringKeyUnderRangeShardingIsRefused() {
    source = new ThreeReplicaShard(ThreeReplicaShard.CONFIG);
    Http.Reply refused =
        Http.post(
            source.get(0).url() + "/config",
            ThreeReplicaShard.CONFIG.replace(
                "\"table\":\"students\"",
                "\"table\":\"students\", \"tables\":[{\"table\":\"users\",\"shardKey\":\"name\","
                    + "\"columns\":[{\"name\":\"name\",\"type\":\"String\"}]}]"));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
    assertThat(refused.raw()).contains("needs sharding: Hash");
  }

  /** The same shard with {@code users} as the database's first table. */
  private static final String USERS_FIRST_CONFIG =
      """
      {"schema":{"columns":["name","city"], "dtypes":["String","String"]},
       "shards":["sh1"], "table":"users", "shardKey":"name",
       "sharding":"Hash", "low":0, "size":4294967296}
      """;

  @Test
  @DisplayName(
      "a String-keyed table is read in code-point order: whole, between string bounds, open on"
          + " either side, page by page from a String 'next', counted, filtered, by point reads in"
          + " a batch and explained; a numeric bound is refused naming the field")
  void stringKeyedRowsAreReadByStringBounds() {
    // Both shapes: users beside the first table (its reads are planned one by one) and users as
    // the first table (its point reads in a batch share one query, ReadRequests.runPoints).
    source = new ThreeReplicaShard(HASH_CONFIG);
    source.assignAll(1, 0);
    dest = new ThreeReplicaShard(USERS_FIRST_CONFIG);
    dest.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    assertThat(Http.post(source.get(0).url() + "/schema", CREATE_USERS).status()).isEqualTo(200);

    Map<String, String> cities = new LinkedHashMap<>();
    for (int i = 0; i < 25; i++) {
      cities.put("user-" + i + (i % 4 == 0 ? "-Ünïcødé-😀" : ""), i % 2 == 0 ? "Oslo" : "Lima");
    }
    // U+FF21 sorts before U+1F600 by code point, after it by UTF-16 unit (Java's compareTo).
    for (String n : List.of("z-\uFF21", "z-😀", "Ärger", "apple", "Zeta", "user-")) {
      cities.put(n, "Rome");
    }
    List<String> all = cities.keySet().stream().sorted(ShardKeys.ORDER).toList();
    assertThat(all.indexOf("z-\uFF21")).isLessThan(all.indexOf("z-😀"));

    for (ThreeReplicaShard shard : List.of(source, dest)) {
      String url = shard.get(0).url();
      Http.Reply w = Http.post(url + "/write", usersWithCities("w-cities", cities));
      assertThat(w.status()).as(w.raw()).isEqualTo(200);

      assertThat(names(readUsers(url, null, Map.of()))).containsExactlyElementsOf(all);
      List<String> between = between(all, "user-1", "user-3");
      assertThat(between)
          .contains("user-1", "user-10", "user-2", "user-21")
          .doesNotContain("user-");
      assertThat(names(readUsers(url, bounds("user-1", "user-3"), Map.of())))
          .containsExactlyElementsOf(between);
      assertThat(names(readUsers(url, bounds("user-3", null), Map.of())))
          .containsExactlyElementsOf(between(all, "user-3", null));
      assertThat(names(readUsers(url, bounds(null, "user-1"), Map.of())))
          .containsExactlyElementsOf(between(all, null, "user-1"));

      // Pages of 4 from each reply's 'next' (a String): every row once, in order.
      List<String> paged = new ArrayList<>();
      String from = null;
      int pages = 0;
      do {
        JsonNode page = readUsers(url, bounds(from, null), Map.of("limit", 4));
        paged.addAll(names(page));
        from = page.has("next") ? page.get("next").asText() : null;
        assertThat(page.path("next").isMissingNode() || page.get("next").isTextual()).isTrue();
        pages++;
      } while (from != null && pages < 100);
      assertThat(paged).containsExactlyElementsOf(all);

      assertThat(readUsers(url, null, Map.of("count", true)).get("count").asLong())
          .isEqualTo(all.size());
      assertThat(
              readUsers(url, bounds("user-1", "user-3"), Map.of("count", true))
                  .get("count")
                  .asLong())
          .isEqualTo(between.size());

      Map<String, Object> oslo = Map.of("op", "=", "column", "city", "values", List.of("Oslo"));
      assertThat(names(readUsers(url, bounds("user-1", "user-3"), Map.of("filter", oslo))))
          .containsExactlyElementsOf(
              between.stream().filter(n -> cities.get(n).equals("Oslo")).toList());

      List<String> points = List.of("user-8-Ünïcødé-😀", "z-😀", "nobody", "user-3", "Ärger");
      List<Object> items = new ArrayList<>();
      for (String k : points) {
        items.add(usersRead(bounds(k, k), Map.of()));
      }
      Http.Reply batch =
          Http.post(url + ShardEndpoints.READ_BATCH, Http.json(Map.of("reads", items)));
      assertThat(batch.status()).as(batch.raw()).isEqualTo(200);
      for (int i = 0; i < points.size(); i++) {
        JsonNode result = batch.json().get("results").get(i);
        assertThat(result.get("status").asInt()).as(result.toString()).isEqualTo(200);
        JsonNode data = result.get("response").get("data");
        String k = points.get(i);
        if (cities.containsKey(k)) {
          assertThat(names(result.get("response"))).as(k).containsExactly(k);
          assertThat(data.get(0).get("city").asText()).isEqualTo(cities.get(k));
        } else {
          assertThat(data).as(k).isEmpty();
        }
      }

      Http.Reply explained =
          Http.post(
              url + ShardEndpoints.READ_EXPLAIN, Http.json(usersRead(bounds("a", "m"), Map.of())));
      assertThat(explained.status()).as(explained.raw()).isEqualTo(200);
      assertThat(explained.json().get("sql").asText()).contains("BETWEEN ? AND ?");
      Http.Reply scanned =
          Http.post(url + ShardEndpoints.READ_EXPLAIN, Http.json(usersRead(null, Map.of())));
      assertThat(scanned.status()).as(scanned.raw()).isEqualTo(200);
      assertThat(scanned.json().get("sql").asText()).doesNotContain("WHERE");

      Http.Reply numeric =
          Http.post(url + "/read", Http.json(usersRead(Map.of("low", 1, "high", "m"), Map.of())));
      assertThat(numeric.status()).as(numeric.raw()).isEqualTo(400);
      assertThat(numeric.message()).contains("name.low");
      Http.Reply reversed =
          Http.post(url + "/read", Http.json(usersRead(bounds("m", "a"), Map.of())));
      assertThat(reversed.status()).as(reversed.raw()).isEqualTo(400);
    }
  }

  /** The names in {@code all} (in order) from {@code low} to {@code high}, null bounds open. */
  private static List<String> between(List<String> all, String low, String high) {
    return all.stream()
        .filter(n -> low == null || ShardKeys.compare(n, low) >= 0)
        .filter(n -> high == null || ShardKeys.compare(n, high) <= 0)
        .toList();
  }

  /** {@code {"low":low,"high":high}}, a null bound left out. */
  private static Map<String, Object> bounds(String low, String high) {
    Map<String, Object> b = new LinkedHashMap<>();
    if (low != null) {
      b.put("low", low);
    }
    if (high != null) {
      b.put("high", high);
    }
    return b;
  }

  /** A read of {@code users} on sh1 with {@code key} under the shard key (null: none). */
  private static Map<String, Object> usersRead(Map<String, Object> key, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", "sh1");
    body.put("table", "users");
    if (key != null) {
      body.put("name", key);
    }
    body.putAll(extra);
    return body;
  }

  private static JsonNode readUsers(
      String url, Map<String, Object> key, Map<String, Object> extra) {
    Http.Reply r = Http.post(url + "/read", Http.json(usersRead(key, extra)));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.json();
  }

  private static List<String> names(JsonNode reply) {
    List<String> out = new ArrayList<>();
    reply.get("data").forEach(row -> out.add(row.get("name").asText()));
    return out;
  }

  private static String usersWithCities(String requestId, Map<String, String> cities) {
    List<Map<String, Object>> rows = new ArrayList<>();
    cities.forEach((n, c) -> rows.add(Map.of("name", n, "city", c)));
    return Http.json(
        Map.of(
            "shard", "sh1", "requestId", requestId, "curr_idx", 0, "table", "users", "data", rows));
  }

  private static Http.Reply change(Replica r, String path) {
    return Http.post(r.url() + path, Http.json(new RangeChange("move-s", MOVED)));
  }

  private static String users(String shard, String requestId, List<String> names) {
    String rows =
        names.stream()
            .map(n -> "{\"name\":\"" + n + "\",\"city\":null}")
            .collect(Collectors.joining(","));
    return "{\"shard\":\""
        + shard
        + "\",\"requestId\":\""
        + requestId
        + "\",\"curr_idx\":0,\"table\":\"users\",\"data\":["
        + rows
        + "]}";
  }

  private static Http.Reply update(Replica r, String shard, String name, String city) {
    return Http.put(
        r.url() + "/update",
        "{\"shard\":\""
            + shard
            + "\",\"table\":\"users\",\"name\":\""
            + name
            + "\",\"requestId\":\"u-"
            + name
            + "-"
            + city
            + "\",\"data\":{\"city\":\""
            + city
            + "\"}}");
  }

  private static Http.Reply delete(Replica r, String shard, String name) {
    return Http.delete(
        r.url() + "/del",
        "{\"shard\":\""
            + shard
            + "\",\"table\":\"users\",\"name\":\""
            + name
            + "\",\"requestId\":\"d-"
            + name
            + "-"
            + System.nanoTime()
            + "\"}");
  }

  private static TreeSet<String> storedNames(Replica r) throws SQLException {
    TreeSet<String> out = new TreeSet<>();
    query(
        r,
        "SELECT name FROM `" + DatabaseNames.userTable("users") + "`",
        rs -> out.add(rs.getString(1)));
    return out;
  }

  private static String city(Replica r, String name) throws SQLException {
    List<String> out = new ArrayList<>();
    query(
        r,
        "SELECT city FROM `"
            + DatabaseNames.userTable("users")
            + "` WHERE name = '"
            + name.replace("'", "''")
            + "'",
        rs -> out.add(rs.getString(1)));
    return out.isEmpty() ? null : out.get(0);
  }

  private static List<String> loggedTextKeys(Replica r) throws SQLException {
    List<String> out = new ArrayList<>();
    query(
        r,
        "SELECT row_key_text FROM replication_log WHERE row_key_text IS NOT NULL",
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
