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
import java.time.Duration;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A move carries every table (issue 46, docs/log-format.md, "Tables"): a range of a shard whose
 * database has a second table moves to another shard — the snapshot's rows of both tables, then the
 * writes of both made during the copy — and the source keeps none of the range in either. Three
 * replicas per shard on MariaDB, the shard-servers' own import, fence, adopt and purge.
 */
class TablesMoveTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final PointRange MOVED = new PointRange(1024, 1024);

  private static final String CREATE_ORDERS =
      """
      {"version":2,"schema":{"table":"orders","shardKey":"student","columns":[
       {"name":"student","type":"Number"},{"name":"item","type":"String"}]}}""";

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
      "a split's range moves with the rows of every table, those written during the copy too, and"
          + " hands over the outcomes of each table's requests (a table keyed by another column)")
  void aMoveCarriesEveryTable() {
    source = new ThreeReplicaShard(ThreeReplicaShard.CONFIG);
    source.assignAll(1, 0);
    dest = new ThreeReplicaShard(ThreeReplicaShard.EMPTY_SH2_CONFIG);
    dest.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    Replica s = source.get(0);
    Replica d = dest.get(0);
    // The operator gives every shard the database's tables.
    assertThat(Http.post(s.url() + "/schema", CREATE_ORDERS).status()).isEqualTo(200);
    assertThat(Http.post(d.url() + "/schema", CREATE_ORDERS).status()).isEqualTo(200);
    for (long k = 0; k < 2048; k += 256) {
      assertThat(ThreeReplicaShard.writeRange(s, k, k + 4).status()).isEqualTo(200);
      assertThat(Http.post(s.url() + "/write", orders("sh1", k, k + 4)).status()).isEqualTo(200);
    }
    // Orders whose keys the first table lacks, in the moved range.
    assertThat(Http.post(s.url() + "/write", orders("sh1", 1100, 1103)).status()).isEqualTo(200);

    Http.Reply started =
        Http.post(
            d.url() + ShardEndpoints.IMPORT,
            Http.json(
                new ImportRequest(
                    "move-t", "sh1", source.replicas.stream().map(Replica::url).toList(), MOVED)));
    assertThat(started.status()).as(started.raw()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .until(() -> heartbeat(d).path("importing").path("state").asText().equals("CatchingUp"));
    // Written after the snapshot: the catch-up brings them, filtered by each table's key.
    assertThat(Http.post(s.url() + "/write", orders("sh1", 1500, 1503)).status()).isEqualTo(200);
    assertThat(Http.post(s.url() + "/write", orders("sh1", 100, 102)).status()).isEqualTo(200);
    Http.Reply updated =
        Http.put(
            s.url() + "/update",
            "{\"shard\":\"sh1\",\"table\":\"orders\",\"student\":1280,\"requestId\":\"u-1280\","
                + "\"data\":{\"item\":\"new\"}}");
    assertThat(updated.status()).as(updated.raw()).isEqualTo(200);

    Http.Reply fence = change(s, ShardEndpoints.FENCE_RANGE);
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    long fenceLsn = fence.json().get("lsn").asLong();
    await()
        .atMost(PATIENCE)
        .until(() -> heartbeat(d).path("importing").path("sourceLsn").asLong() >= fenceLsn);
    assertThat(Http.delete(d.url() + ShardEndpoints.IMPORT + "?moveId=move-t", "{}").status())
        .isEqualTo(200);
    assertThat(change(d, ShardEndpoints.ADOPT_RANGE).status()).isEqualTo(200);
    assertThat(change(s, ShardEndpoints.PURGE_RANGE).status()).isEqualTo(200);
    // A retry of an orders write from before the snapshot, now at its new owner: its outcome was
    // handed over with the range (rule 13), so it answers as the first time did and adds nothing.
    Http.Reply retried = Http.post(d.url() + "/write", orders("sh2", 1100, 1103));
    assertThat(retried.status()).as(retried.raw()).isEqualTo(200);

    // The destination holds the range of both tables; the source holds the rest of both.
    assertThat(keys(d, "sh2", null))
        .containsExactly(
            1024L, 1025L, 1026L, 1027L, 1280L, 1281L, 1282L, 1283L, 1536L, 1537L, 1538L, 1539L,
            1792L, 1793L, 1794L, 1795L);
    assertThat(keys(d, "sh2", "orders"))
        .containsExactly(
            1024L, 1025L, 1026L, 1027L, 1100L, 1101L, 1102L, 1280L, 1281L, 1282L, 1283L, 1500L,
            1501L, 1502L, 1536L, 1537L, 1538L, 1539L, 1792L, 1793L, 1794L, 1795L);
    assertThat(item(d, "sh2", 1280)).isEqualTo("new");
    assertThat(keys(s, "sh1", "orders")).allMatch(k -> !MOVED.contains(k)).contains(100L, 101L);
    assertThat(keys(s, "sh1", null)).allMatch(k -> !MOVED.contains(k)).hasSize(16);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : dest.replicas) {
                assertThat(checksum(r)).isEqualTo(checksum(d));
              }
              for (Replica r : source.replicas) {
                assertThat(checksum(r)).isEqualTo(checksum(s));
              }
            });
    assertThat(checksum(d).get("rows").asLong()).isEqualTo(16 + 22);
  }

  private Http.Reply change(Replica r, String path) {
    return Http.post(r.url() + path, Http.json(new RangeChange("move-t", MOVED)));
  }

  private static String orders(String shard, long from, long to) {
    StringBuilder rows = new StringBuilder();
    for (long k = from; k < to; k++) {
      rows.append(k == from ? "" : ",")
          .append("{\"student\":")
          .append(k)
          .append(",\"item\":\"i-")
          .append(k)
          .append("\"}");
    }
    // A request id, as the router gives every write: the move hands its outcome over.
    return "{\"shard\":\""
        + shard
        + "\",\"requestId\":\"o-"
        + from
        + "\",\"curr_idx\":0,\"table\":\"orders\",\"data\":["
        + rows
        + "]}";
  }

  private static TreeSet<Long> keys(Replica r, String shard, String table) {
    TreeSet<Long> out = new TreeSet<>();
    for (JsonNode n : read(r, shard, table, 0, 4095)) {
      out.add(n.get(table == null ? "Stud_id" : "student").asLong());
    }
    return out;
  }

  private static String item(Replica r, String shard, long key) {
    return read(r, shard, "orders", key, key).get(0).get("item").asText();
  }

  private static JsonNode read(Replica r, String shard, String table, long low, long high) {
    String named = table == null ? "" : ",\"table\":\"" + table + "\"";
    Http.Reply reply =
        Http.post(
            r.url() + "/read",
            "{\"shard\":\""
                + shard
                + "\""
                + named
                + (table == null ? ",\"Stud_id\"" : ",\"student\"")
                + ":{\"low\":"
                + low
                + ",\"high\":"
                + high
                + "}}");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    return reply.json().get("data");
  }
}
