package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A schema change as a log entry (docs/log-format.md, "Schema entries"): {@code POST /schema} on
 * the primary adds columns; every copy applies it in log order — the secondaries, a restarted
 * replica, a wiped one re-copied from a snapshot — and the rows stored before it read as the added
 * columns' defaults on every copy.
 */
class SchemaChangeTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final String V1_COLUMNS =
      """
      {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
      {"name":"Stud_marks","type":"Number"},{"name":"gpa","type":"Decimal"},
      {"name":"active","type":"Boolean"}""";

  private static final String V2 =
      """
      {"version":2,"schema":{"table":"students","shardKey":"Stud_id","columns":[%s,
       {"name":"note","type":"String","nullable":true},
       {"name":"level","type":"Number","default":"7"}]}}"""
          .formatted(V1_COLUMNS);

  private ThreeReplicaShard shard;

  @BeforeEach
  void startShard() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(shard);
  }

  @AfterEach
  void stopShard() {
    shard.close();
  }

  @Test
  @DisplayName(
      "added columns reach every copy in log order; old rows read as the defaults everywhere")
  void addedColumnsReachEveryCopy() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 20).status()).isEqualTo(200);
    // Before the change the new column is unknown: a clear 400, nothing written.
    Http.Reply early = Http.post(primary.url() + "/write", writeWithNote(100, "x"));
    assertThat(early.status()).as(early.raw()).isEqualTo(400);
    assertThat(early.raw()).contains("unknown column 'note'");

    Http.Reply changed = Http.post(primary.url() + "/schema", V2);
    assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
    assertThat(changed.json().get("version").asLong()).isEqualTo(2);

    Http.Reply late = Http.post(primary.url() + "/write", writeWithNote(100, "hello"));
    assertThat(late.status()).as(late.raw()).isEqualTo(200);
    assertThat(ThreeReplicaShard.writeRange(primary, 20, 30).status()).isEqualTo(200);

    JsonNode old = readKey(primary, 3);
    assertThat(old.get("level").asLong()).isEqualTo(7);
    assertThat(old.get("note").isNull()).isTrue();
    JsonNode fresh = readKey(primary, 100);
    assertThat(fresh.get("note").asText()).isEqualTo("hello");
    assertThat(fresh.get("level").asLong()).isEqualTo(7);
    assertThat(readKey(primary, 25).get("level").asLong()).isEqualTo(7);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(readKey(shard.get(1), 3).get("level").asLong()).isEqualTo(7);

    // The same change again appends an entry that alters nothing.
    Http.Reply again = Http.post(primary.url() + "/schema", V2);
    assertThat(again.status()).as(again.raw()).isEqualTo(200);

    // A restarted replica keeps version 2; a wiped one gets it from the primary's snapshot.
    shard.get(1).stop();
    shard.get(1).start();
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    assertThat(Http.post(primary.url() + "/write", writeWithNote(101, "after")).status())
        .isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(readKey(shard.get(2), 101).get("note").asText()).isEqualTo("after");
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(32);
  }

  @Test
  @DisplayName("a change that cannot follow is refused naming why, and changes nothing")
  void refusals() {
    Replica primary = shard.get(0);
    Http.Reply skip =
        Http.post(primary.url() + "/schema", V2.replace("\"version\":2", "\"version\":3"));
    assertThat(skip.status()).as(skip.raw()).isEqualTo(409);
    assertThat(skip.raw()).contains("is at schema version 1").contains("after version 2");

    Http.Reply required =
        Http.post(primary.url() + "/schema", V2.replace("\"default\":\"7\"", "\"nullable\":false"));
    assertThat(required.status()).as(required.raw()).isEqualTo(400);
    assertThat(required.raw()).contains("added column 'level' needs NULL or a DEFAULT");

    Http.Reply retyped =
        Http.post(
            primary.url() + "/schema",
            V2.replace(
                "{\"name\":\"active\",\"type\":\"Boolean\"}",
                "{\"name\":\"active\",\"type\":\"Number\"}"));
    assertThat(retyped.status()).as(retyped.raw()).isEqualTo(400);
    assertThat(retyped.raw()).contains("column 'active' changes type Boolean -> Number");

    Http.Reply secondary = Http.post(shard.get(1).url() + "/schema", V2);
    assertThat(secondary.status()).as(secondary.raw()).isEqualTo(409);
    assertThat(secondary.raw()).contains("not primary");

    assertThat(Http.post(primary.url() + "/schema", V2).status()).isEqualTo(200);
    Http.Reply other =
        Http.post(primary.url() + "/schema", V2.replace("\"default\":\"7\"", "\"default\":\"8\""));
    assertThat(other.status()).as(other.raw()).isEqualTo(409);
    assertThat(other.raw()).contains("is at schema version 2");
  }

  @Test
  @DisplayName(
      "a dropped column goes from every copy; a write coerced with it before the drop loses it")
  void aDroppedColumnGoesFromEveryCopy() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 20).status()).isEqualTo(200);
    String v2 =
        """
        {"version":2,"schema":{"table":"students","shardKey":"Stud_id","columns":[
         {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
         {"name":"Stud_marks","type":"Number"},{"name":"active","type":"Boolean"}]}}""";
    Http.Reply dropped = Http.post(primary.url() + "/schema", v2);
    assertThat(dropped.status()).as(dropped.raw()).isEqualTo(200);
    // The router's coercion is the shard-server's own: a row naming the dropped column is a 400.
    Http.Reply late = ThreeReplicaShard.write(primary, 100);
    assertThat(late.status()).as(late.raw()).isEqualTo(400);
    assertThat(late.raw()).contains("gpa");
    Http.Reply without =
        Http.post(
            primary.url() + "/write",
            "{\"shard\":\"sh1\",\"data\":[{\"Stud_id\":101,\"Stud_name\":\"x\","
                + "\"Stud_marks\":1,\"active\":true}]}");
    assertThat(without.status()).as(without.raw()).isEqualTo(200);
    // A wiped replica re-copies under the new schema.
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
              for (Replica r : java.util.List.of(primary, shard.get(1), shard.get(2))) {
                assertThat(storedColumns(r))
                    .containsExactly(
                        "stud_id",
                        "stud_name",
                        "stud_marks",
                        "active",
                        io.shardeddb.shardserver.storage.UserTable.TIMESTAMP_COLUMN);
              }
            });
    assertThat(readKey(shard.get(1), 3).has("gpa")).isFalse();
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(21);
  }

  /** The replica's stored user-table columns, in order, lower case. */
  private static java.util.List<String> storedColumns(Replica r) throws java.sql.SQLException {
    io.shardeddb.shardserver.storage.EmbeddedMariaDb db = SharedMariaDb.get();
    java.util.List<String> out = new java.util.ArrayList<>();
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND"
                    + " table_name = ? ORDER BY ordinal_position")) {
      ps.setString(1, r.database);
      ps.setString(2, io.shardeddb.shardserver.storage.DatabaseNames.userTable("students"));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return out;
  }

  private static String indexed(int version, String indexes) {
    return """
        {"version":%d,"schema":{"table":"students","shardKey":"Stud_id","columns":[%s],
         "indexes":[%s]}}"""
        .formatted(version, V1_COLUMNS, indexes);
  }

  @Test
  @DisplayName(
      "an index reaches every copy (a re-copied one too), a filter on its column reads it, and a"
          + " dropped one goes from every copy")
  void indexesReachEveryCopy() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 40).status()).isEqualTo(200);

    Http.Reply created =
        Http.post(
            primary.url() + "/schema",
            indexed(
                2,
                """
                {"name":"by_marks","columns":["Stud_marks"]},
                {"name":"by_name","columns":["Stud_name","Stud_marks"]}"""));
    assertThat(created.status()).as(created.raw()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : java.util.List.of(primary, shard.get(1), shard.get(2))) {
                assertThat(indexesOf(r))
                    .as(r.name)
                    .containsEntry("by_marks", java.util.List.of("stud_marks"))
                    .containsEntry("by_name", java.util.List.of("stud_name", "stud_marks"));
              }
            });
    // MySQL answers a filter on the indexed column from the index, not by reading every row.
    assertThat(explainKey(primary, "`Stud_marks` = 7")).isEqualTo("by_marks");

    // A wiped replica gets the indexes with the schema of the primary's snapshot.
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
              assertThat(indexesOf(shard.get(2))).containsOnlyKeys("by_marks", "by_name");
            });

    Http.Reply dropped =
        Http.post(
            primary.url() + "/schema",
            indexed(3, "{\"name\":\"by_marks\",\"columns\":[\"Stud_marks\"]}"));
    assertThat(dropped.status()).as(dropped.raw()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : java.util.List.of(primary, shard.get(1), shard.get(2))) {
                assertThat(indexesOf(r)).as(r.name).containsOnlyKeys("by_marks");
              }
            });
    // An index kept under its name keeps its columns.
    Http.Reply moved =
        Http.post(
            primary.url() + "/schema",
            indexed(4, "{\"name\":\"by_marks\",\"columns\":[\"Stud_name\"]}"));
    assertThat(moved.status()).as(moved.raw()).isEqualTo(400);
    assertThat(moved.raw()).contains("index 'by_marks' changes its columns");
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(40);
  }

  @Test
  @DisplayName(
      "/read/explain is MariaDB's plan of the read's own SELECT: no index before one is made on the"
          + " filtered column, that index after; a point is the primary key; no row is read")
  void readExplainNamesTheIndexTheReadUses() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 40).status()).isEqualTo(200);
    String scan =
        """
        {"shard":"sh1","Stud_id":{"low":-9223372036854775808,"high":9223372036854775807},
         "filter":{"op":"=","column":"Stud_marks","values":[7]}}""";

    Http.Reply before = Http.post(primary.url() + "/read/explain", scan);
    assertThat(before.status()).as(before.raw()).isEqualTo(200);
    JsonNode plan = before.json().get("plan").get(0);
    // No index on Stud_marks: the whole primary key range is read, the filter checked on each row.
    assertThat(plan.path("key").asText("")).isIn("", "PRIMARY");
    assertThat(plan.get("possible_keys").toString()).doesNotContain("by_marks");
    // The read's own SELECT, values bound (none of them in its text).
    String sql = before.json().get("sql").asText();
    assertThat(sql).startsWith("SELECT ").contains("BETWEEN ? AND ?", "LIMIT ?");
    assertThat(sql).doesNotContain("9223372036854775807");

    Http.Reply created =
        Http.post(
            primary.url() + "/schema",
            indexed(2, "{\"name\":\"by_marks\",\"columns\":[\"Stud_marks\"]}"));
    assertThat(created.status()).as(created.raw()).isEqualTo(200);

    Http.Reply after = Http.post(primary.url() + "/read/explain", scan);
    assertThat(after.status()).as(after.raw()).isEqualTo(200);
    JsonNode indexed = after.json().get("plan").get(0);
    assertThat(indexed.get("key").asText()).as(after.raw()).isEqualTo("by_marks");
    assertThat(indexed.get("possible_keys").asText()).contains("by_marks");
    assertThat(indexed.get("rows").isIntegralNumber()).as(after.raw()).isTrue();
    assertThat(indexed.get("rows").asLong()).isBetween(1L, 39L);

    // The shards count for an exact COUNT(*): the COUNT statement is explained, by the index too.
    Http.Reply counted =
        Http.post(
            primary.url() + "/read/explain",
            scan.replace("\"filter\"", "\"count\":true,\"filter\""));
    assertThat(counted.status()).as(counted.raw()).isEqualTo(200);
    assertThat(counted.json().get("sql").asText()).startsWith("SELECT COUNT(*)");
    assertThat(counted.json().get("plan").get(0).get("key").asText()).isEqualTo("by_marks");

    // One key: the primary key.
    Http.Reply point =
        Http.post(
            primary.url() + "/read/explain",
            "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":5,\"high\":5}}");
    assertThat(point.status()).as(point.raw()).isEqualTo(200);
    assertThat(point.json().get("plan").get(0).get("key").asText()).isEqualTo("PRIMARY");

    // Checked as /read checks its body: an unknown column is a 400 naming it.
    Http.Reply bad = Http.post(primary.url() + "/read/explain", scan.replace("Stud_marks", "nope"));
    assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
    assertThat(bad.raw()).contains("unknown column 'nope'");
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(40);
  }

  @Test
  @DisplayName("a /config naming indexes creates the table with them (a database created indexed)")
  void configuredIndexes() throws Exception {
    String config =
        ThreeReplicaShard.CONFIG.replace(
            "\"size\":4096}",
            "\"size\":4096, \"indexes\":[{\"name\":\"by_marks\",\"columns\":[\"Stud_marks\"]}]}");
    try (ThreeReplicaShard indexed = new ThreeReplicaShard(config)) {
      for (Replica r : indexed.replicas) {
        assertThat(indexesOf(r)).as(r.name).containsOnlyKeys("by_marks");
      }
      Http.Reply bad =
          Http.post(
              shard.get(0).url() + "/config",
              ThreeReplicaShard.CONFIG.replace(
                  "\"size\":4096}",
                  "\"size\":4096, \"indexes\":[{\"name\":\"i\",\"columns\":[\"nope\"]}]}"));
      assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
      assertThat(bad.raw()).contains("index 'i' names column 'nope', which the table lacks");
    }
  }

  /** The secondary indexes of the replica's stored table: name -> columns (lower case). */
  private static java.util.Map<String, java.util.List<String>> indexesOf(Replica r)
      throws java.sql.SQLException {
    io.shardeddb.shardserver.storage.EmbeddedMariaDb db = SharedMariaDb.get();
    java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "SELECT index_name, column_name FROM information_schema.statistics WHERE"
                    + " table_schema = ? AND table_name = ? AND index_name <> 'PRIMARY'"
                    + " ORDER BY index_name, seq_in_index")) {
      ps.setString(1, r.database);
      ps.setString(2, io.shardeddb.shardserver.storage.DatabaseNames.userTable("students"));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(
                  rs.getString(1).toLowerCase(java.util.Locale.ROOT),
                  k -> new java.util.ArrayList<>())
              .add(rs.getString(2).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return out;
  }

  /** The index MySQL picks for {@code where} on the replica's table (EXPLAIN's key). */
  private static String explainKey(Replica r, String where) throws java.sql.SQLException {
    io.shardeddb.shardserver.storage.EmbeddedMariaDb db = SharedMariaDb.get();
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery(
                "EXPLAIN SELECT * FROM `"
                    + r.database
                    + "`.`"
                    + io.shardeddb.shardserver.storage.DatabaseNames.userTable("students")
                    + "` WHERE "
                    + where)) {
      assertThat(rs.next()).isTrue();
      return rs.getString("key");
    }
  }

  private static String writeWithNote(long key, String note) {
    String row = ThreeReplicaShard.row(key);
    return "{\"shard\":\"sh1\",\"curr_idx\":0,\"data\":["
        + row.substring(0, row.length() - 1)
        + ",\"note\":\""
        + note
        + "\"}]}";
  }

  private static JsonNode readKey(Replica r, long key) {
    JsonNode rows =
        Http.post(
                r.url() + "/read",
                "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":" + key + ",\"high\":" + key + "}}")
            .json()
            .get("data");
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
