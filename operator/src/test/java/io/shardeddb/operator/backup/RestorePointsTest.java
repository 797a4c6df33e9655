package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.ArchiveOwnership;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.embedded.EmbeddedS3Server;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.WritePause;
import io.shardeddb.protocol.topology.Role;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore point against fake shard-servers and a real S3 protocol server: it is stored only when
 * every shard's resume says its pause held (DESIGN §9), and each pause goes to the primary the
 * status names, at the status's epoch.
 */
class RestorePointsTest {
  @TempDir static Path dir;
  static EmbeddedS3Server s3;
  static BackupStore store;

  @BeforeAll
  static void startStore() throws Exception {
    s3 = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "test-key", "test-secret-key");
    store = new BackupStore(s3.settings("backups", "rp"));
    store.ensureBucket();
  }

  @AfterAll
  static void stopStore() throws Exception {
    store.close();
    s3.close();
  }

  /** Shard-servers that pause at once and resume as told: Held unless listed as lapsing. */
  static final class FakeShards implements ShardServerClient {
    final Set<String> lapsing = ConcurrentHashMap.newKeySet();
    final Set<String> refusing = ConcurrentHashMap.newKeySet();
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public WritePause.Cut pauseWrites(String url, WritePause.Request request, Duration deadline) {
      calls.add("pause " + url + " epoch " + request.epoch());
      if (refusing.contains(url)) {
        throw new ShardServerException("POST " + url + "/backup/pause answered 409", 409, null);
      }
      long epoch = request.epoch() == null ? 0 : request.epoch();
      return new WritePause.Cut(request.id(), url, 100 + url.length(), epoch);
    }

    @Override
    public WritePause.Resumed resumeWrites(String url, String id, Duration deadline) {
      calls.add("resume " + url);
      return new WritePause.Resumed(
          id, url, lapsing.contains(url) ? WritePause.Hold.Lapsed : WritePause.Hold.Held);
    }

    @Override
    public String postJson(String url, String path, Object body) {
      calls.add("post " + url + path);
      return "{}";
    }

    @Override
    public TimedHeartbeat heartbeat(String baseUrl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void configure(String baseUrl, ShardConfigRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TimedFence fence(String baseUrl, FenceRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void assignRole(String baseUrl, RoleRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void resync(String baseUrl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ChecksumResponse checksum(String baseUrl) {
      throw new UnsupportedOperationException();
    }
  }

  private static ShardStatus shard(String id, long epoch) {
    String primary = id + "-0";
    return ShardStatus.builder()
        .id(id)
        .epoch(epoch)
        .primary(primary)
        .readyReplicas(2)
        .replicas(
            List.of(
                // A deposed primary still reporting its old role comes first; it is not asked.
                new ReplicaStatus(
                    id + "-1", "http://" + id + "-1", Role.Primary, true, null, 1L, 0L, null),
                new ReplicaStatus(
                    primary, "http://" + primary, Role.Primary, true, null, 9L, 0L, null)))
        .build();
  }

  /** A database whose archive it owns already (its shards have archived: the marker is there). */
  private static ShardedDatabase database(String name) {
    ShardedDatabase db = new ShardedDatabase();
    db.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name).build());
    ArchiveOwnership.claim(store, name, new ArchiveOwner("ns", name, "uid-" + name, 1));
    db.setStatus(
        ShardedDatabaseStatus.builder()
            .conditions(List.of())
            .shardCount(2)
            .replicas("2")
            .shards(List.of(shard("sh1", 3), shard("sh2", 7)))
            .build());
    return db;
  }

  @Test
  void everyPauseHeld_thenThePointIsStoredWithEachShardsCut() {
    FakeShards shards = new FakeShards();
    RestorePoints points = new RestorePoints(shards);

    RestorePoints.Outcome o = points.take("rp-held", database("db1"), store, Clock.systemUTC());

    assertThat(o.failure()).isNull();
    assertThat(o.lsns()).containsOnlyKeys("sh1", "sh2");
    assertThat(store.get(BackupKeys.restorePoint("db1", "rp-held"))).isPresent();
    assertThat(shards.calls)
        .contains("pause http://sh1-0 epoch 3", "pause http://sh2-0 epoch 7")
        .noneMatch(c -> c.contains("-1"));
    // Every pause answered before the first resume: the pauses overlap.
    assertThat(shards.calls.subList(0, 2)).allMatch(c -> c.startsWith("pause "));
    assertThat(shards.calls.subList(2, 4)).allMatch(c -> c.startsWith("resume "));
    assertThat(shards.calls).contains("post http://sh1-0/backup/archive");
  }

  @Test
  void aPauseThatLapsedBeforeItsResume_thenThePointIsNotStored() {
    FakeShards shards = new FakeShards();
    shards.lapsing.add("http://sh1-0");
    RestorePoints points = new RestorePoints(shards);

    RestorePoints.Outcome o = points.take("rp-lapsed", database("db2"), store, Clock.systemUTC());

    assertThat(store.get(BackupKeys.restorePoint("db2", "rp-lapsed"))).isEmpty();
    assertThat(o.lsns()).isNull();
    assertThat(o.failure()).isNull();
    assertThat(o.message()).contains("sh1").contains("lapsed");
    assertThat(shards.calls).contains("resume http://sh1-0", "resume http://sh2-0");
  }

  @Test
  void aPauseThatKeepsLapsing_thenTheRestorePointFailsAfterItsAttempts() {
    FakeShards shards = new FakeShards();
    shards.lapsing.add("http://sh2-0");
    RestorePoints points = new RestorePoints(shards);
    ShardedDatabase db = database("db3");

    RestorePoints.Outcome o = null;
    for (int i = 0; i < CutCheck.MAX_ATTEMPTS; i++) {
      o = points.take("rp-failing", db, store, Clock.systemUTC());
    }

    assertThat(store.get(BackupKeys.restorePoint("db3", "rp-failing"))).isEmpty();
    assertThat(o.reason()).isEqualTo("NoConsistentCut");
    assertThat(o.failure()).contains("shard sh2: its pause lapsed");
  }

  @Test
  void aPauseRefusedByADeposedPrimary_thenNothingIsStoredAndEveryPausedShardIsResumed() {
    FakeShards shards = new FakeShards();
    shards.refusing.add("http://sh2-0");
    RestorePoints points = new RestorePoints(shards);

    RestorePoints.Outcome o = points.take("rp-refused", database("db4"), store, Clock.systemUTC());

    assertThat(store.get(BackupKeys.restorePoint("db4", "rp-refused"))).isEmpty();
    assertThat(o.message()).contains("shard sh2: it did not pause").contains("409");
    assertThat(shards.calls).contains("resume http://sh1-0");
  }
}
