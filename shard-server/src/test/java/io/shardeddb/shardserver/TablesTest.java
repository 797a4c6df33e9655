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
 * Many tables on one shard (issue 46, docs/log-format.md, "Tables"), on three replicas over
 * MariaDB: a Schema entry creates a second table on every copy in log order; writes, updates and
 * deletes name it and their entries do; the secondaries, a restarted replica and a wiped one (which
 * re-copies every table from the primary's snapshot) hold the same rows of both tables; the
 * assignment's API keeps showing the first table; a drop removes the table from every copy.
 */
class TablesTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final String ORDERS_COLUMNS =
      """
      {"name":"Stud_id","type":"Number"},{"name":"item","type":"String"},
      {"name":"qty","type":"Number","nullable":true}""";

  private static final String CREATE_ORDERS =
      """
      {"version":2,"schema":{"table":"orders","shardKey":"Stud_id","columns":[%s],
       "indexes":[{"name":"by_item","columns":["item"]}]}}"""
          .formatted(ORDERS_COLUMNS);

  private static final String DROP_ORDERS =
      """
      {"version":3,"drop":true,"schema":{"table":"orders","shardKey":"Stud_id","columns":[%s]}}"""
          .formatted(ORDERS_COLUMNS);

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
      "a second table is created on every copy; its rows are written, replicated and re-copied"
          + " with the first table's; a drop removes it everywhere")
  void aSecondTableLivesBesideTheFirst() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 10).status()).isEqualTo(200);
    // Before the table exists: a 404 naming it, nothing written.
    Http.Reply early = Http.post(primary.url() + "/write", orders(1, "pen", 2));
    assertThat(early.status()).as(early.raw()).isEqualTo(404);
    assertThat(early.raw()).contains("no table 'orders'");

    Http.Reply created = Http.post(primary.url() + "/schema", CREATE_ORDERS);
    assertThat(created.status()).as(created.raw()).isEqualTo(200);

    // Keys of the second table are the shard's keys too: key 1 has a row in each table.
    assertThat(Http.post(primary.url() + "/write", orders(1, "pen", 2)).status()).isEqualTo(200);
    assertThat(Http.post(primary.url() + "/write", orders(2, "ink", 5)).status()).isEqualTo(200);
    assertThat(Http.post(primary.url() + "/write", orders(3, "pad", null)).status()).isEqualTo(200);
    // Per table: the same key again in orders is a 409; in the first table it is taken already.
    Http.Reply twice = Http.post(primary.url() + "/write", orders(2, "ink", 5));
    assertThat(twice.status()).as(twice.raw()).isEqualTo(409);
    assertThat(twice.raw()).contains("in table orders");
    Http.Reply updated =
        Http.put(
            primary.url() + "/update",
            "{\"shard\":\"sh1\",\"table\":\"orders\",\"Stud_id\":2,\"data\":{\"qty\":6}}");
    assertThat(updated.status()).as(updated.raw()).isEqualTo(200);
    Http.Reply deleted =
        Http.delete(
            primary.url() + "/del", "{\"shard\":\"sh1\",\"table\":\"orders\",\"Stud_id\":3}");
    assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
    // The first table's row 3 is untouched by the delete of orders' row 3.
    assertThat(readKey(primary, null, 3).get("Stud_name").asText()).isNotEmpty();

    JsonNode pen = readKey(primary, "orders", 1);
    assertThat(pen.get("item").asText()).isEqualTo("pen");
    assertThat(readKey(primary, "orders", 2).get("qty").asLong()).isEqualTo(6);
    assertThat(readRows(primary, "orders", 0, 100)).hasSize(2);
    // The assignment's API is of the first table: /copy shows its 10 rows only.
    JsonNode copy = Http.get(primary.url() + "/copy").json().get("sh1");
    assertThat(copy).hasSize(10);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(12);
    assertThat(readKey(shard.get(1), "orders", 2).get("qty").asLong()).isEqualTo(6);

    // A restarted replica keeps the table; a wiped one re-copies both tables from a snapshot.
    shard.get(1).stop();
    shard.get(1).start();
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    assertThat(Http.post(primary.url() + "/write", orders(4, "cap", 1)).status()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready");
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(readKey(shard.get(2), "orders", 1).get("item").asText()).isEqualTo("pen");
    assertThat(readKey(shard.get(2), "orders", 4).get("item").asText()).isEqualTo("cap");
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(13);

    // The drop: the table and its rows go from every copy; the first table stays.
    Http.Reply dropped = Http.post(primary.url() + "/schema", DROP_ORDERS);
    assertThat(dropped.status()).as(dropped.raw()).isEqualTo(200);
    Http.Reply gone = Http.post(primary.url() + "/write", orders(5, "mug", 1));
    assertThat(gone.status()).as(gone.raw()).isEqualTo(404);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2)).get("rows").asLong()).isEqualTo(10);
            });
  }

  @Test
  @DisplayName(
      "refused naming why: the first table dropped, a table dropped twice, an invalid new table")
  void refusals() {
    Replica primary = shard.get(0);
    Http.Reply first =
        Http.post(
            primary.url() + "/schema",
            "{\"version\":2,\"drop\":true,\"schema\":{\"table\":\"students\",\"shardKey\":"
                + "\"Stud_id\",\"columns\":[{\"name\":\"Stud_id\",\"type\":\"Number\"}]}}");
    assertThat(first.status()).as(first.raw()).isEqualTo(400);
    assertThat(first.raw()).contains("the database's first table");
    Http.Reply missing = Http.post(primary.url() + "/schema", DROP_ORDERS.replace(":3", ":2"));
    assertThat(missing.status()).as(missing.raw()).isEqualTo(400);
    assertThat(missing.raw()).contains("no table 'orders' to drop");
    Http.Reply stringKey =
        Http.post(
            primary.url() + "/schema",
            "{\"version\":2,\"schema\":{\"table\":\"tags\",\"shardKey\":\"name\",\"columns\":"
                + "[{\"name\":\"name\",\"type\":\"String\"}]}}");
    assertThat(stringKey.status()).as(stringKey.raw()).isEqualTo(400);
    // A String key needs Hash sharding; this shard's is Range.
    assertThat(stringKey.raw()).contains("is a String: it needs sharding: Hash");
    // Nothing of them was applied: version 2 is still free for a valid change.
    assertThat(Http.post(primary.url() + "/schema", CREATE_ORDERS).status()).isEqualTo(200);
  }

  private static String orders(long key, String item, Integer qty) {
    return "{\"shard\":\"sh1\",\"curr_idx\":0,\"table\":\"orders\",\"data\":[{\"Stud_id\":"
        + key
        + ",\"item\":\""
        + item
        + "\",\"qty\":"
        + qty
        + "}]}";
  }

  private static JsonNode readKey(Replica r, String table, long key) {
    JsonNode rows = readRows(r, table, key, key);
    assertThat(rows).as("rows of key " + key + " in " + table).hasSize(1);
    return rows.get(0);
  }

  private static JsonNode readRows(Replica r, String table, long low, long high) {
    String named = table == null ? "" : ",\"table\":\"" + table + "\"";
    Http.Reply reply =
        Http.post(
            r.url() + "/read",
            "{\"shard\":\"sh1\""
                + named
                + ",\"Stud_id\":{\"low\":"
                + low
                + ",\"high\":"
                + high
                + "}}");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    return reply.json().get("data");
  }
}
