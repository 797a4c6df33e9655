package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.keys;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static io.shardeddb.shardserver.ThreeReplicaShard.writeRange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Ownership of point ranges on a 3-replica shard (docs/resharding.md): 421 for keys the shard does
 * not own and for a router whose layout differs; fence, adopt and purge as replicated log entries
 * that survive restarts; hash points.
 */
class RangeOwnershipTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private ThreeReplicaShard shard;

  @AfterEach
  void stopShard() {
    if (shard != null) {
      shard.close();
    }
  }

  private Replica startRangeShard() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    awaitReady();
    return shard.get(0);
  }

  @Test
  @DisplayName("a key outside the owned range, or a differing X-Shard-Owned, is a 421 naming both")
  void notOwnedIs421() {
    Replica primary = startRangeShard();

    Http.Reply outside = write(primary, 5000);
    assertThat(outside.status()).as(outside.raw()).isEqualTo(ShardEndpoints.NOT_OWNED);
    assertThat(outside.json().get("status").asText()).isEqualTo("failure");
    assertThat(outside.message())
        .contains("Stud_id 5000")
        .contains("shard sh1")
        .contains("[0, 4096)");
    Http.Reply update =
        Http.put(
            primary.url() + "/update",
            "{\"shard\":\"sh1\",\"Stud_id\":4096,\"data\":{\"Stud_name\":\"x\"}}");
    assertThat(update.status()).as(update.raw()).isEqualTo(421);
    Http.Reply del = Http.delete(primary.url() + "/del", "{\"shard\":\"sh1\",\"Stud_id\":-1}");
    assertThat(del.status()).as(del.raw()).isEqualTo(421);

    String body = "{\"shard\":\"sh1\",\"data\":[" + ThreeReplicaShard.row(10) + "]}";
    Http.Reply stale =
        Http.post(primary.url() + "/write", body, ShardEndpoints.OWNED_HEADER, "0+2048");
    assertThat(stale.status()).as(stale.raw()).isEqualTo(421);
    assertThat(stale.message()).contains("owns [0, 4096)").contains("not [0, 2048)");
    Http.Reply staleRead =
        Http.post(
            primary.url() + "/read",
            "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":0,\"high\":10}}",
            ShardEndpoints.OWNED_HEADER,
            "0+4097");
    assertThat(staleRead.status()).as(staleRead.raw()).isEqualTo(421);
    Http.Reply current =
        Http.post(primary.url() + "/write", body, ShardEndpoints.OWNED_HEADER, "0+4096");
    assertThat(current.status()).as(current.raw()).isEqualTo(200);
    assertThat(heartbeat(primary).get("owned").toString()).isEqualTo("[{\"low\":0,\"size\":4096}]");

    // After bring-up a /config naming other ranges is not a conflict, and changes nothing;
    // another sharding is.
    Http.Reply otherRanges =
        Http.post(
            primary.url() + "/config",
            ThreeReplicaShard.CONFIG.replace(
                "\"low\":0, \"size\":4096", "\"ranges\":[{\"low\":0,\"size\":10}]"));
    assertThat(otherRanges.status()).as(otherRanges.raw()).isEqualTo(200);
    assertThat(heartbeat(primary).get("owned").toString()).isEqualTo("[{\"low\":0,\"size\":4096}]");
    Http.Reply otherSharding =
        Http.post(
            primary.url() + "/config",
            ThreeReplicaShard.CONFIG.replace("\"low\":0,", "\"sharding\":\"Hash\", \"low\":0,"));
    assertThat(otherSharding.status()).as(otherSharding.raw()).isEqualTo(409);
  }

  @Test
  @DisplayName(
      "fence, purge and adopt are replicated entries: refusals, owned-only reads, equal"
          + " checksums, and they survive restarts")
  void rangeEntriesAreReplicatedAndDurable() {
    Replica primary = startRangeShard();
    assertThat(writeRange(primary, 2000, 2100).status()).isEqualTo(200);

    Http.Reply fence = range(primary, ShardEndpoints.FENCE_RANGE, 2048, 2048);
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    assertThat(fence.json().get("owned").toString()).isEqualTo("[{\"low\":0,\"size\":2048}]");
    long fenceLsn = fence.json().get("lsn").asLong();
    assertThat(fence.json().get("epoch").asLong()).isEqualTo(1);

    // Fenced rows are still stored but neither written nor read.
    assertThat(write(primary, 3000).status()).isEqualTo(421);
    assertThat(keys(primary, 0, 4095))
        .containsExactlyElementsOf(LongStream.range(2000, 2048).boxed().toList());
    assertThat(batchPoints(primary, LongStream.range(2000, 2100).boxed().toList()))
        .containsExactlyElementsOf(LongStream.range(2000, 2048).boxed().toList());
    Http.Reply count =
        Http.post(
            primary.url() + "/read",
            "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":0,\"high\":4095},\"count\":true}");
    assertThat(count.json().get("count").asLong()).as(count.raw()).isEqualTo(48);
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(100);

    // A purge of a range still owned would delete live data: refused.
    Http.Reply ownedPurge = range(primary, ShardEndpoints.PURGE_RANGE, 1024, 2048);
    assertThat(ownedPurge.status()).as(ownedPurge.raw()).isEqualTo(409);
    Http.Reply purge = range(primary, ShardEndpoints.PURGE_RANGE, 2048, 2048);
    assertThat(purge.status()).as(purge.raw()).isEqualTo(200);
    assertThat(purge.json().get("rows").asLong()).isEqualTo(52);
    assertThat(purge.json().get("lsn").asLong()).isGreaterThan(fenceLsn);
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(48);

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (int i = 1; i < 3; i++) {
                assertThat(checksum(shard.get(i))).isEqualTo(checksum(primary));
                assertThat(heartbeat(shard.get(i)).get("owned").toString())
                    .isEqualTo("[{\"low\":0,\"size\":2048}]");
              }
            });

    // Restarts keep what the log decided; the new primary of a failover refuses the range.
    for (Replica r : shard.replicas) {
      r.stop();
    }
    for (Replica r : shard.replicas) {
      r.start();
    }
    shard.failover(2, 1, 0, 1, 2);
    awaitReady();
    Replica next = shard.get(1);
    for (Replica r : shard.replicas) {
      assertThat(heartbeat(r).get("owned").toString()).isEqualTo("[{\"low\":0,\"size\":2048}]");
    }
    assertThat(write(next, 3000).status()).isEqualTo(421);

    // Adopting it back (an aborted move) makes the range writable again, everywhere.
    Http.Reply adopt = range(next, ShardEndpoints.ADOPT_RANGE, 2048, 2048);
    assertThat(adopt.status()).as(adopt.raw()).isEqualTo(200);
    assertThat(adopt.json().get("owned").toString()).isEqualTo("[{\"low\":0,\"size\":4096}]");
    assertThat(write(next, 3000).status()).isEqualTo(200);
    // The same change again (a retry) is harmless.
    assertThat(range(next, ShardEndpoints.ADOPT_RANGE, 2048, 2048).status()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : shard.replicas) {
                assertThat(heartbeat(r).get("owned").toString())
                    .isEqualTo("[{\"low\":0,\"size\":4096}]");
                assertThat(checksum(r)).isEqualTo(checksum(next));
              }
            });
    // A secondary refuses range changes like writes: they are ordered by the primary only.
    assertThat(range(shard.get(0), ShardEndpoints.FENCE_RANGE, 0, 10).status()).isEqualTo(409);
  }

  @Test
  @DisplayName("a wiped replica re-copies what the shard owns with the rows")
  void recopyShipsOwnership() throws Exception {
    Replica primary = startRangeShard();
    assertThat(writeRange(primary, 2000, 2100).status()).isEqualTo(200);
    assertThat(range(primary, ShardEndpoints.FENCE_RANGE, 2048, 2048).status()).isEqualTo(200);
    Replica wiped = shard.get(2);
    wiped.stop();
    ThreeReplicaShard.wipe(wiped);
    wiped.start();
    shard.assign(1, 0, 2);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(heartbeat(wiped).get("state").asText()).isEqualTo("Ready");
              assertThat(heartbeat(wiped).get("owned").toString())
                  .isEqualTo("[{\"low\":0,\"size\":2048}]");
              assertThat(checksum(wiped)).isEqualTo(checksum(primary));
            });
    // Promoted, it refuses the fenced range like the primary it copied.
    shard.failover(2, 2, 0, 1, 2);
    awaitReady();
    assertThat(write(wiped, 3000).status()).isEqualTo(421);
    assertThat(write(wiped, 100).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("no write to a fenced range is acknowledged after the fence's LSN")
  void writesRacingAFenceLandBeforeIt() throws Exception {
    Replica primary = startRangeShard();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      for (long k = 2048; k < 2448; k++) {
        long key = k;
        replies.add(clients.submit(() -> write(primary, key)));
        if (k == 2148) {
          replies.add(clients.submit(() -> range(primary, ShardEndpoints.FENCE_RANGE, 2048, 2048)));
        }
      }
      long fenceLsn = -1;
      List<Long> ackedLsns = new ArrayList<>();
      int refused = 0;
      for (Future<Http.Reply> f : replies) {
        Http.Reply r = f.get(60, TimeUnit.SECONDS);
        if (r.json() != null && r.json().has("owned")) {
          assertThat(r.status()).as(r.raw()).isEqualTo(200);
          fenceLsn = r.json().get("lsn").asLong();
        } else if (r.status() == 200) {
          ackedLsns.add(r.json().get("lsn").asLong());
        } else {
          assertThat(r.status()).as(r.raw()).isEqualTo(421);
          refused++;
        }
      }
      assertThat(fenceLsn).isPositive();
      assertThat(refused).as("some writes came after the fence").isPositive();
      long bound = fenceLsn;
      assertThat(ackedLsns).allSatisfy(lsn -> assertThat(lsn).isLessThan(bound));
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  @DisplayName("under Hash a key's point is its hash: ownership, 421 and range reads follow it")
  void hashPointsDecideOwnership() {
    long half = Sharding.HASH_SPACE / 2;
    String config =
        ThreeReplicaShard.CONFIG.replace(
            "\"low\":0, \"size\":4096",
            "\"sharding\":\"Hash\", \"ranges\":[{\"low\":0,\"size\":" + half + "}]");
    shard = new ThreeReplicaShard(config);
    shard.assignAll(1, 0);
    awaitReady();
    Replica primary = shard.get(0);

    List<Long> mine = new ArrayList<>();
    List<Long> others = new ArrayList<>();
    for (long k = 0; k < 200; k++) {
      (Sharding.hash(k) < half ? mine : others).add(k);
    }
    assertThat(mine).isNotEmpty();
    assertThat(others).isNotEmpty();
    for (long k : mine) {
      assertThat(write(primary, k).status()).isEqualTo(200);
    }
    Http.Reply refused = write(primary, others.get(0));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(421);
    assertThat(refused.message())
        .contains("hash point " + Sharding.hash(others.get(0)))
        .contains("[0, " + half + ")");
    assertThat(keys(primary, 0, 199)).containsExactlyElementsOf(mine);

    // Fence the upper half of what it owns: a key-range read returns only the points still owned.
    PointRange upper = new PointRange(half / 2, half / 2);
    Http.Reply fence =
        Http.post(
            primary.url() + ShardEndpoints.FENCE_RANGE, Http.json(new RangeChange("m-h", upper)));
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    List<Long> stillMine = mine.stream().filter(k -> Sharding.hash(k) < half / 2).toList();
    assertThat(stillMine).isNotEmpty().hasSizeLessThan(mine.size());
    assertThat(keys(primary, 0, 199)).containsExactlyElementsOf(stillMine);
    assertThat(batchPoints(primary, mine)).containsExactlyElementsOf(stillMine);
    Http.Reply purge =
        Http.post(
            primary.url() + ShardEndpoints.PURGE_RANGE, Http.json(new RangeChange("m-h", upper)));
    assertThat(purge.json().get("rows").asLong())
        .as(purge.raw())
        .isEqualTo(mine.size() - stillMine.size());
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : shard.replicas) {
                JsonNode c = checksum(r);
                assertThat(c.get("rows").asLong()).isEqualTo(stillMine.size());
                assertThat(c).isEqualTo(checksum(primary));
              }
            });
  }

  /**
   * The keys found by one {@code /read/batch} of a point read per key (answered by one query): rows
   * the shard stores but no longer owns must not come back, as for {@code /read}.
   */
  private static List<Long> batchPoints(Replica r, List<Long> keys) {
    String items =
        keys.stream()
            .map(k -> "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":" + k + ",\"high\":" + k + "}}")
            .collect(java.util.stream.Collectors.joining(","));
    Http.Reply reply =
        Http.post(r.url() + ShardEndpoints.READ_BATCH, "{\"reads\":[" + items + "]}");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    List<Long> found = new ArrayList<>();
    reply
        .json()
        .get("results")
        .forEach(
            res -> {
              assertThat(res.get("status").asInt()).as(res.toString()).isEqualTo(200);
              res.get("response")
                  .get("data")
                  .forEach(row -> found.add(row.get("Stud_id").asLong()));
            });
    return found;
  }

  static Http.Reply range(Replica r, String path, long low, long size) {
    return Http.post(
        r.url() + path, Http.json(new RangeChange("move-1", new PointRange(low, size))));
  }

  private void awaitReady() {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : shard.replicas) {
                assertThat(heartbeat(r).get("state").asText()).isEqualTo("Ready");
              }
            });
  }
}
