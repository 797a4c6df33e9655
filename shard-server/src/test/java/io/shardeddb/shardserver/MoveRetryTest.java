package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Request ids across a move of {@code [1024, 2048)} from sh1 (source) to sh2 (destination), DESIGN
 * §5 rule 13: an import never follows a source primary's unacknowledged tail (so the destination
 * never answers 200 for a write that exists nowhere), and a retry of a change the source applied
 * before the move is recognised by the source even after the range left it (so it is never applied
 * a second time on the destination).
 */
class MoveRetryTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final PointRange MOVED = new PointRange(1024, 1024);
  private static final String DEST_CONFIG = ThreeReplicaShard.EMPTY_SH2_CONFIG;

  private ThreeReplicaShard source;
  private ThreeReplicaShard dest;

  @BeforeEach
  void bringUp() {
    source = new ThreeReplicaShard();
    source.assignAll(1, 0);
    dest = new ThreeReplicaShard(DEST_CONFIG);
    dest.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    Http.Reply loaded = ThreeReplicaShard.writeRange(source.get(0), 1000, 1100);
    assertThat(loaded.status()).as(loaded.raw()).isEqualTo(200);
  }

  @AfterEach
  void stopAll() {
    source.close();
    dest.close();
  }

  @Test
  @DisplayName(
      "a write the isolated source primary never got onto a quorum is not imported: after the"
          + " source fails over, its retry on the destination is not answered 200 without the row")
  void anImportNeverFollowsTheSourcePrimarysUnacknowledgedTail() {
    Replica p1 = source.get(0);
    Replica d = dest.get(0);
    startImport(d, source);
    awaitCatchingUp(d, 1);
    // Cut the source primary off from both secondaries: its next write commits locally only.
    source.get(1).stop();
    source.get(2).stop();
    Http.Reply x = ThreeReplicaShard.write(p1, 1500, "x-1500");
    assertThat(x.status()).as(x.raw()).isEqualTo(503);
    long xLsn = heartbeat(p1).get("appliedLsn").asLong();
    boolean importedX;
    try {
      await()
          .atMost(Duration.ofSeconds(6))
          .until(() -> importing(d).path("sourceLsn").asLong() >= xLsn);
      importedX = true;
    } catch (ConditionTimeoutException e) {
      importedX = false;
    }
    // The deposed primary dies; the secondaries (without X) elect replica 1 at epoch 2.
    p1.stop();
    source.get(1).start();
    source.get(2).start();
    source.failover(2, 1, 1, 2);
    Replica p2 = source.get(1);
    awaitCatchingUp(d, 2);
    cutOver(p2, d, 2);

    // Router A's retry of X (same request id) reaches the new owner.
    Http.Reply retry =
        Http.post(
            d.url() + "/write",
            "{\"shard\":\"sh2\",\"requestId\":\"x-1500\",\"data\":["
                + ThreeReplicaShard.row(1500)
                + "]}");
    JsonNode row = readKey(d, "sh2", 1500);
    assertThat(retry.status() == 200 && row == null)
        .as(
            "retry answered %s with row %s (the import %s X at lsn %d)",
            retry.raw(), row, importedX ? "had applied" : "never applied", xLsn)
        .isFalse();
    assertThat(importedX).as("the destination imported an unacknowledged entry").isFalse();
  }

  @Test
  @DisplayName(
      "a retry of an update the source applied before the move gets its original outcome from the"
          + " source and is not applied again on the destination (no v1, v2, v1)")
  void aRetryOfAChangeAppliedBeforeTheMoveIsNotAppliedAgain() {
    Replica s = source.get(0);
    Replica d = dest.get(0);
    Http.Reply u1 = update(s, "sh1", 1050, "u1", "v1");
    assertThat(u1.status()).as(u1.raw()).isEqualTo(200);
    Http.Reply w1 = ThreeReplicaShard.write(s, 1200, "w1");
    assertThat(w1.status()).as(w1.raw()).isEqualTo(200);
    startImport(d, source);
    awaitCatchingUp(d, 1);
    cutOver(s, d, 1);
    Http.Reply purge = change(s, ShardEndpoints.PURGE_RANGE);
    assertThat(purge.status()).as(purge.raw()).isEqualTo(200);
    Http.Reply u2 = update(d, "sh2", 1050, "u2", "v2");
    assertThat(u2.status()).as(u2.raw()).isEqualTo(200);

    // The router's retries of U1 and W1 (old layout: to the source; on 421 re-routed to sh2).
    Http.Reply u1Again = update(s, "sh1", 1050, "u1", "v1");
    if (u1Again.status() == ShardEndpoints.NOT_OWNED) {
      u1Again = update(d, "sh2", 1050, "u1", "v1");
    }
    Http.Reply w1Again =
        Http.post(
            s.url() + "/write",
            "{\"shard\":\"sh1\",\"requestId\":\"w1\",\"data\":["
                + ThreeReplicaShard.row(1200)
                + "]}",
            ShardEndpoints.OWNED_HEADER,
            "0+4096");
    assertThat(readKey(d, "sh2", 1050).get("Stud_name").asText())
        .as("U1's retry after U2 (reply %s)", u1Again.raw())
        .isEqualTo("v2");
    assertThat(u1Again.status()).as(u1Again.raw()).isEqualTo(200);
    assertThat(u1Again.json().get("lsn").asLong()).isEqualTo(u1.json().get("lsn").asLong());
    assertThat(w1Again.status()).as(w1Again.raw()).isEqualTo(200);
    assertThat(w1Again.json().get("lsn").asLong()).isEqualTo(w1.json().get("lsn").asLong());
    // A router that already has the new layout sends U1's retry straight to the destination: the
    // outcome travelled with the range, so it is answered, not applied again.
    Http.Reply u1AtDest = update(d, "sh2", 1050, "u1", "v1");
    assertThat(readKey(d, "sh2", 1050).get("Stud_name").asText())
        .as("U1's retry on the destination after U2 (reply %s)", u1AtDest.raw())
        .isEqualTo("v2");
    assertThat(u1AtDest.status()).as(u1AtDest.raw()).isEqualTo(200);
    Http.Reply w1AtDest =
        Http.post(
            d.url() + "/write",
            "{\"shard\":\"sh2\",\"requestId\":\"w1\",\"data\":["
                + ThreeReplicaShard.row(1200)
                + "]}");
    assertThat(w1AtDest.status()).as(w1AtDest.raw()).isEqualTo(200);
    // A change the source never saw is still refused there.
    Http.Reply fresh = update(s, "sh1", 1050, "u3", "v3");
    assertThat(fresh.status()).as(fresh.raw()).isEqualTo(ShardEndpoints.NOT_OWNED);
  }

  /** Fence on the source, wait for the import to pass the fence, stop it, adopt on the dest. */
  private void cutOver(Replica sourcePrimary, Replica d, long epoch) {
    Http.Reply fence = change(sourcePrimary, ShardEndpoints.FENCE_RANGE);
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    long fenceLsn = fence.json().get("lsn").asLong();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode p = importing(d);
              assertThat(p.path("sourceEpoch").asLong()).isEqualTo(epoch);
              assertThat(p.path("sourceLsn").asLong()).isGreaterThanOrEqualTo(fenceLsn);
            });
    Http.Reply stopped = Http.delete(d.url() + ShardEndpoints.IMPORT + "?moveId=move-1", "{}");
    assertThat(stopped.status()).as(stopped.raw()).isEqualTo(200);
    Http.Reply adopt = change(d, ShardEndpoints.ADOPT_RANGE);
    assertThat(adopt.status()).as(adopt.raw()).isEqualTo(200);
  }

  private static void startImport(Replica d, ThreeReplicaShard from) {
    ImportRequest req =
        new ImportRequest(
            "move-1", "sh1", from.replicas.stream().map(Replica::url).toList(), MOVED);
    Http.Reply started = Http.post(d.url() + ShardEndpoints.IMPORT, Http.json(req));
    assertThat(started.status()).as(started.raw()).isEqualTo(200);
  }

  private static void awaitCatchingUp(Replica d, long sourceEpoch) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode p = importing(d);
              assertThat(p.path("sourceEpoch").asLong()).isEqualTo(sourceEpoch);
              assertThat(p.path("state").asText()).isEqualTo("CatchingUp");
            });
  }

  private static Http.Reply update(Replica r, String shard, long key, String rid, String name) {
    return Http.put(
        r.url() + "/update",
        "{\"shard\":\""
            + shard
            + "\",\"Stud_id\":"
            + key
            + ",\"requestId\":\""
            + rid
            + "\",\"data\":{\"Stud_name\":\""
            + name
            + "\"}}");
  }

  private static Http.Reply change(Replica r, String path) {
    return Http.post(r.url() + path, Http.json(new RangeChange("move-1", MOVED)));
  }

  private static JsonNode importing(Replica r) {
    return heartbeat(r).path("importing");
  }

  /** The row of {@code key} on {@code r}, or null. */
  private static JsonNode readKey(Replica r, String shard, long key) {
    Http.Reply reply =
        Http.post(
            r.url() + "/read",
            "{\"shard\":\"" + shard + "\",\"Stud_id\":{\"low\":" + key + ",\"high\":" + key + "}}");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    JsonNode data = reply.json().get("data");
    return data.isEmpty() ? null : data.get(0);
  }
}
