package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.time.GlobalTimestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rows carry the global timestamp of their last write (docs/timestamps.md, "Rows"), on three
 * replicas over MariaDB: the entry's timestamp is stored with the row by the primary's commit, a
 * secondary's replay and a wiped replica's re-copy from a snapshot, so every copy reads the same
 * one back ({@code /read} with {@code "timestamps": true}); without the field a read's rows keep
 * their shape, and the checksums (which leave the timestamp out) agree.
 */
class RowTimestampsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

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
      "a row reads back with its last write's timestamp on the primary, the secondaries and a"
          + " re-copied replica")
  void rowsCarryTheirLastWritesTimestamp() throws Exception {
    Replica primary = shard.get(0);
    long slot = GlobalTimestamp.atMillis(System.currentTimeMillis());
    // Key 1 written at a slot, then updated at a later one; key 2 written with no slot (the
    // primary bumps above the entry before it); key 3 written at a slot and never changed.
    long written1 = acked(write(primary, 1, slot));
    assertThat(written1).isEqualTo(slot);
    long written2 = acked(write(primary, 2, 0));
    assertThat(written2).isGreaterThan(written1);
    long written3 = acked(write(primary, 3, slot + 8192));
    long updated1 = acked(update(primary, 1, slot + 16384));
    assertThat(updated1).isEqualTo(slot + 16384);

    Map<Long, Long> expected = new LinkedHashMap<>();
    expected.put(1L, updated1);
    expected.put(2L, written2);
    expected.put(3L, written3);
    assertThat(stamps(primary)).isEqualTo(expected);
    // The timestamp is only there when asked for: the rows of a plain read keep their shape.
    JsonNode plain = read(primary, 1, 3, false);
    plain.forEach(row -> assertThat(row.has(RowTimestamps.FIELD)).isFalse());
    assertThat(plain.get(0).size()).isEqualTo(5);
    // A one-key read (the point-read path) carries it too.
    assertThat(read(primary, 2, 2, true).get(0).get(RowTimestamps.FIELD).asLong())
        .isEqualTo(written2);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(stamps(shard.get(1))).isEqualTo(expected);
              assertThat(stamps(shard.get(2))).isEqualTo(expected);
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
            });

    // A wiped replica re-copies from the primary's snapshot: the rows come with their timestamps.
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    long written4 = acked(write(primary, 4, slot + 3 * 8192));
    expected.put(4L, written4);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(shard.get(2)).get("state").asText()).isEqualTo("Ready");
              assertThat(stamps(shard.get(2))).isEqualTo(expected);
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(stamps(primary)).isEqualTo(expected);
  }

  /** The reply's timestamp of an acknowledged write. */
  private static long acked(Http.Reply reply) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    return reply.json().get("timestamp").asLong();
  }

  private static Http.Reply write(Replica r, long key, long timestamp) {
    return Http.post(
        r.url() + "/write",
        "{\"shard\":\"sh1\","
            + (timestamp > 0 ? "\"timestamp\":" + timestamp + "," : "")
            + "\"data\":["
            + ThreeReplicaShard.row(key)
            + "]}");
  }

  private static Http.Reply update(Replica r, long key, long timestamp) {
    return Http.put(
        r.url() + "/update",
        "{\"shard\":\"sh1\",\"Stud_id\":"
            + key
            + ",\"timestamp\":"
            + timestamp
            + ",\"data\":{\"Stud_name\":\"changed\"}}");
  }

  private static JsonNode read(Replica r, long low, long high, boolean timestamps) {
    Http.Reply reply =
        Http.post(
            r.url() + "/read",
            "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":"
                + low
                + ",\"high\":"
                + high
                + "}"
                + (timestamps ? ",\"" + RowTimestamps.READ_FIELD + "\":true" : "")
                + "}");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    return reply.json().get("data");
  }

  /** Each row's key and the timestamp the replica stores with it. */
  private static Map<Long, Long> stamps(Replica r) {
    Map<Long, Long> out = new LinkedHashMap<>();
    for (JsonNode row : read(r, 0, 100, true)) {
      out.put(row.get("Stud_id").asLong(), row.get(RowTimestamps.FIELD).asLong());
    }
    return out;
  }
}
