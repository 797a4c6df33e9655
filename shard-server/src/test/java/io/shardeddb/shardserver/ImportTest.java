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
import io.shardeddb.protocol.topology.Sharding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One move of the points {@code [1024, 2048)} (or, under Hash, half of the hash space) from shard
 * sh1 (source, three replicas) to sh2 (destination, three replicas, owning nothing) while clients
 * write, update and delete in and around the range: import, fence, catch-up to the fence's LSN,
 * adopt, purge (docs/resharding.md). Every change the source acknowledged ends up on the
 * destination, once; the source keeps none of the range.
 */
class ImportTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final PointRange MOVED_KEYS = new PointRange(1024, 1024);
  private static final PointRange MOVED_HASHES = new PointRange(0, Sharding.HASH_SPACE / 2);
  private static final String DEST_CONFIG = ThreeReplicaShard.EMPTY_SH2_CONFIG;

  /** The points that move, and how keys map to points, for the test under way. */
  private PointRange moved = MOVED_KEYS;

  private Sharding sharding = Sharding.Range;

  private ThreeReplicaShard source;
  private ThreeReplicaShard dest;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> writers = new ArrayList<>();

  /** Last acknowledged name per key (null: deleted); keys whose outcome is unknown. */
  private final Map<Long, String> acked = new ConcurrentHashMap<>();

  private final Set<Long> deleted = ConcurrentHashMap.newKeySet();
  private final Set<Long> unknown = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ackedInRange = new AtomicInteger();
  private volatile Replica sourcePrimary;

  @AfterEach
  void stopAll() throws InterruptedException {
    stop.set(true);
    for (Thread t : writers) {
      t.join(60_000);
    }
    if (source != null) {
      source.close();
    }
    if (dest != null) {
      dest.close();
    }
  }

  @Test
  @DisplayName(
      "a range moves under concurrent writes: every acknowledged change is on the destination"
          + " once, the source keeps none of it")
  void rangeMovesUnderConcurrentWrites() throws Exception {
    move(false);
  }

  @Test
  @DisplayName("under Hash sharding half of the hash space moves the same way, exactly")
  void hashRangeMovesUnderConcurrentWrites() throws Exception {
    sharding = Sharding.Hash;
    moved = MOVED_HASHES;
    move(false);
  }

  private boolean moves(long key) {
    return moved.contains(sharding.point(key));
  }

  @Test
  @DisplayName(
      "a failover of the source mid-import makes the import start over and still end exact")
  void sourceFailoverRestartsTheImport() throws Exception {
    move(true);
  }

  private void move(boolean failoverMidway) throws Exception {
    String hash = "\"sharding\":\"Hash\", ";
    source =
        new ThreeReplicaShard(
            sharding == Sharding.Range
                ? ThreeReplicaShard.CONFIG
                : ThreeReplicaShard.CONFIG.replace(
                    "\"low\":0, \"size\":4096",
                    hash + "\"ranges\":[{\"low\":0,\"size\":" + Sharding.HASH_SPACE + "}]"));
    source.assignAll(1, 0);
    dest =
        new ThreeReplicaShard(
            sharding == Sharding.Range
                ? DEST_CONFIG
                : DEST_CONFIG.replace("\"ranges\"", hash + "\"ranges\""));
    dest.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    sourcePrimary = source.get(0);
    for (long k = 0; k < 1500; k += 100) {
      Http.Reply r = ThreeReplicaShard.writeRange(sourcePrimary, k, k + 100);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
      for (long j = k; j < k + 100; j++) {
        acked.put(j, "name-" + j);
      }
    }
    writers.add(Thread.ofPlatform().start(() -> writeInRange()));
    writers.add(Thread.ofPlatform().start(() -> writeOutside()));

    Replica d = dest.get(0);
    ImportRequest req =
        new ImportRequest(
            "move-1", "sh1", source.replicas.stream().map(Replica::url).toList(), moved);
    Http.Reply started = Http.post(d.url() + ShardEndpoints.IMPORT, Http.json(req));
    assertThat(started.status()).as(started.raw()).isEqualTo(200);
    await().atMost(PATIENCE).until(() -> importing(d).path("state").asText().equals("CatchingUp"));
    Http.Reply progress = Http.get(d.url() + ShardEndpoints.IMPORT);
    assertThat(progress.status()).as(progress.raw()).isEqualTo(200);
    assertThat(progress.json().get("moveId").asText()).isEqualTo("move-1");
    // An import into a range the destination owns would mix two owners' rows: refused.
    Http.Reply intoOwned =
        Http.post(
            source.get(0).url() + ShardEndpoints.IMPORT,
            Http.json(new ImportRequest("move-x", "sh2", List.of(d.url()), moved)));
    assertThat(intoOwned.status()).as(intoOwned.raw()).isEqualTo(409);
    int before = ackedInRange.get();
    await().atMost(PATIENCE).until(() -> ackedInRange.get() >= before + 30);

    long epoch = 1;
    if (failoverMidway) {
      long copiedBefore = importing(d).path("rowsCopied").asLong();
      epoch = 2;
      source.failover(2, 1, 0, 1, 2);
      sourcePrimary = source.get(1);
      ThreeReplicaShard.awaitReady(source);
      // The import notices the new epoch, drops what it had and copies again from the new primary.
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                JsonNode p = importing(d);
                assertThat(p.path("sourceEpoch").asLong()).isEqualTo(2);
                assertThat(p.path("state").asText()).isEqualTo("CatchingUp");
              });
      assertThat(importing(d).path("rowsCopied").asLong()).isGreaterThanOrEqualTo(copiedBefore);
      int again = ackedInRange.get();
      await().atMost(PATIENCE).until(() -> ackedInRange.get() >= again + 20);
    }

    Http.Reply fence = change(sourcePrimary, ShardEndpoints.FENCE_RANGE);
    assertThat(fence.status()).as(fence.raw()).isEqualTo(200);
    long fenceLsn = fence.json().get("lsn").asLong();
    assertThat(fence.json().get("epoch").asLong()).isEqualTo(epoch);
    long fenceEpoch = epoch;
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode p = importing(d);
              assertThat(p.path("sourceEpoch").asLong()).isEqualTo(fenceEpoch);
              assertThat(p.path("sourceLsn").asLong()).isGreaterThanOrEqualTo(fenceLsn);
            });
    Http.Reply stopped = Http.delete(d.url() + ShardEndpoints.IMPORT + "?moveId=move-1", "{}");
    assertThat(stopped.status()).as(stopped.raw()).isEqualTo(200);
    assertThat(stopped.json().get("state").asText()).isEqualTo("Stopped");
    Http.Reply adopt = change(d, ShardEndpoints.ADOPT_RANGE);
    assertThat(adopt.status()).as(adopt.raw()).isEqualTo(200);
    // Every moved row keeps the global timestamp of its last write on the source
    // (docs/timestamps.md, "Rows"), not the destination's import entry's, on every copy.
    Map<Long, Long> sourceStamps = storedStamps(sourcePrimary);
    sourceStamps.keySet().removeIf(k -> !moves(k));
    assertThat(sourceStamps).isNotEmpty().doesNotContainValue(0L);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : dest.replicas) {
                Map<Long, Long> moved = storedStamps(r);
                moved.keySet().removeIf(k -> !moves(k));
                assertThat(moved).as(r.name).isEqualTo(sourceStamps);
              }
            });
    Http.Reply purge = change(sourcePrimary, ShardEndpoints.PURGE_RANGE);
    assertThat(purge.status()).as(purge.raw()).isEqualTo(200);

    stop.set(true);
    for (Thread t : writers) {
      t.join(60_000);
    }

    // The checks below skip keys whose outcome stayed unknown: there must be few of them, and
    // the moving range must have seen deletes and updates that the import had to follow.
    assertThat(unknown).hasSizeLessThan(10);
    assertThat(deleted).isNotEmpty();
    assertThat(acked.values()).anyMatch(v -> v.startsWith("upd-"));
    // The range is on the destination exactly as the source acknowledged it, and only there.
    TreeMap<Long, String> onDest = rows(d, "sh2", 0, 4095);
    TreeMap<Long, String> onSource = rows(sourcePrimary, "sh1", 0, 4095);
    assertThat(onDest).isNotEmpty();
    assertThat(onDest.keySet()).allMatch(this::moves);
    for (long k = 0; k < 4096; k++) {
      if (unknown.contains(k) || !moves(k)) {
        continue;
      }
      String want = deleted.contains(k) ? null : acked.get(k);
      assertThat(onDest.get(k)).as("key %d on the destination", k).isEqualTo(want);
    }
    assertThat(onSource.keySet()).noneMatch(this::moves);
    for (Map.Entry<Long, String> e : acked.entrySet()) {
      if (!moves(e.getKey()) && !unknown.contains(e.getKey()) && !deleted.contains(e.getKey())) {
        assertThat(onSource.get(e.getKey()))
            .as("key %d on the source", e.getKey())
            .isEqualTo(e.getValue());
      }
    }
    long sourceRowsOutside = onSource.size();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (Replica r : source.replicas) {
                assertThat(checksum(r).get("rows").asLong()).isEqualTo(sourceRowsOutside);
                assertThat(checksum(r)).isEqualTo(checksum(sourcePrimary));
              }
              for (Replica r : dest.replicas) {
                assertThat(checksum(r).get("rows").asLong()).isEqualTo(onDest.size());
                assertThat(checksum(r)).isEqualTo(checksum(d));
              }
            });
    // The destination now takes writes to the range; the source refuses them.
    long movedKey =
        java.util.stream.LongStream.range(0, 100_000)
            .filter(k -> moves(k) && !onDest.containsKey(k) && !unknown.contains(k))
            .findFirst()
            .orElseThrow();
    Http.Reply onNewOwner =
        Http.post(
            d.url() + "/write",
            "{\"shard\":\"sh2\",\"data\":[" + ThreeReplicaShard.row(movedKey) + "]}");
    assertThat(onNewOwner.status()).as(onNewOwner.raw()).isEqualTo(200);
    assertThat(ThreeReplicaShard.write(sourcePrimary, movedKey).status()).isEqualTo(421);
  }

  /** Each stored row's key and the global timestamp stored with it, read in MariaDB. */
  private static Map<Long, Long> storedStamps(Replica r) throws java.sql.SQLException {
    io.shardeddb.shardserver.storage.EmbeddedMariaDb db = SharedMariaDb.get();
    Map<Long, Long> out = new TreeMap<>();
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery(
                "SELECT `Stud_id`, `"
                    + io.shardeddb.shardserver.storage.UserTable.TIMESTAMP_COLUMN
                    + "` FROM `"
                    + r.database
                    + "`.`"
                    + io.shardeddb.shardserver.storage.DatabaseNames.userTable("students")
                    + "`")) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** Inserts, updates and deletes keys of the moving range until the source refuses them. */
  private void writeInRange() {
    long k = 1500;
    int i = 0;
    while (!stop.get() && k < 2048) {
      int op = i++ % 5;
      int status;
      long key;
      String name;
      String rid = "in-" + i;
      if (op == 3) {
        key = 1024 + (i * 7L) % 476;
        name = "upd-" + i;
        status =
            retry(
                () ->
                    Http.put(
                        sourcePrimary.url() + "/update",
                        "{\"shard\":\"sh1\",\"Stud_id\":"
                            + key
                            + ",\"requestId\":\""
                            + rid
                            + "\",\"data\":{\"Stud_name\":\""
                            + name
                            + "\"}}"),
                key);
      } else if (op == 4) {
        key = 1024 + (i * 13L) % 476;
        name = null;
        status =
            retry(
                () ->
                    Http.delete(
                        sourcePrimary.url() + "/del",
                        "{\"shard\":\"sh1\",\"Stud_id\":"
                            + key
                            + ",\"requestId\":\""
                            + rid
                            + "\"}"),
                key);
      } else {
        key = k++;
        name = "name-" + key;
        status = retry(() -> ThreeReplicaShard.write(sourcePrimary, key, rid), key);
      }
      if (status == 421) {
        return;
      }
      if (status == 200) {
        if (name == null) {
          deleted.add(key);
        } else if (op == 3) {
          if (!deleted.contains(key)) {
            acked.put(key, name);
          }
        } else {
          acked.put(key, name);
        }
        ackedInRange.incrementAndGet();
      }
    }
  }

  /** Inserts keys outside the moving range (they stay on the source). */
  private void writeOutside() {
    long k = 2048;
    while (!stop.get() && k < 4096) {
      long key = k++;
      int status = retry(() -> ThreeReplicaShard.write(sourcePrimary, key, "out-" + key), key);
      if (status == 200) {
        acked.put(key, "name-" + key);
      }
    }
  }

  /**
   * Sends a request (same request id each time) until it has a definite outcome; a key whose
   * outcome stays unknown is left out of the checks.
   */
  private int retry(java.util.function.Supplier<Http.Reply> send, long key) {
    for (int attempt = 0; attempt < 40; attempt++) {
      Http.Reply r;
      try {
        r = send.get();
      } catch (RuntimeException e) {
        sleep();
        continue;
      }
      if (r.status() == 200 || r.status() == 421 || r.status() == 404) {
        return r.status();
      }
      if (r.status() == 409 && r.message() != null && r.message().contains("already exists")) {
        return 409;
      }
      sleep();
    }
    unknown.add(key);
    return -1;
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Http.Reply change(Replica r, String path) {
    return Http.post(r.url() + path, Http.json(new RangeChange("move-1", moved)));
  }

  private static JsonNode importing(Replica r) {
    return heartbeat(r).path("importing");
  }

  /** Every row of {@code [low, high]} on {@code r}, following pages. */
  private static TreeMap<Long, String> rows(Replica r, String shard, long low, long high) {
    TreeMap<Long, String> out = new TreeMap<>();
    Long from = low;
    Set<Long> seen = new HashSet<>();
    while (from != null) {
      Http.Reply reply =
          Http.post(
              r.url() + "/read",
              "{\"shard\":\""
                  + shard
                  + "\",\"Stud_id\":{\"low\":"
                  + from
                  + ",\"high\":"
                  + high
                  + "}}");
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      for (JsonNode n : reply.json().get("data")) {
        long k = n.get("Stud_id").asLong();
        assertThat(seen.add(k)).as("key %d returned twice", k).isTrue();
        out.put(k, n.get("Stud_name").asText());
      }
      JsonNode next = reply.json().get("next");
      from = next == null || next.isNull() ? null : next.asLong();
    }
    return out;
  }
}
