package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore to a global timestamp planned from what a real S3 protocol server (S3Proxy) holds: the
 * catalog reads every shard's archived entries and cuts each at the same timestamp, whatever the
 * shards' clocks stamped as commit times.
 */
class TimestampRestorePlanTest {
  @TempDir static Path dir;
  static EmbeddedS3Server server;
  static BackupStore store;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "test-key", "test-secret-key");
    store = new BackupStore(server.settings("backups", "ts"));
    store.ensureBucket();
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  /** The first timestamp of millisecond {@code millis} (protocol's GlobalTimestamp.atMillis). */
  private static long at(long millis) {
    return millis << 21;
  }

  /**
   * Database {@code db}: backup b1 of sh1 and sh2 at lsn 1, then each shard's archive of entries
   * 1..5; entry i of a shard is stamped with {@code timestamps[i-1]} and was committed, by its
   * primary's clock, at {@code commits[i-1]}.
   */
  private static void database(String db, long[][] timestamps, long[][] commits) {
    ArchiveOwnership.claim(store, db, new ArchiveOwner("ns", db, "uid-" + db, 1));
    List<String> shards = List.of("sh1", "sh2");
    List<ShardBaseBackup> bases =
        shards.stream()
            .map(id -> new ShardBaseBackup(id, 1, 1, 1, "c", 10, "k", "r", "{}", 100, 200))
            .toList();
    store.putBytes(
        BackupKeys.manifest(db, "b1"),
        BackupJson.write(new BackupManifest("b1", db, 100, 200, bases, List.of(), null)));
    for (int s = 0; s < shards.size(); s++) {
      StringBuilder segment = new StringBuilder();
      for (int i = 0; i < timestamps[s].length; i++) {
        segment
            .append("{\"t\":")
            .append(commits[s][i])
            .append(",\"entry\":{\"lsn\":")
            .append(i + 1)
            .append(",\"epoch\":1,\"op\":\"Noop\",\"commitMillis\":")
            .append(commits[s][i])
            .append(",\"timestamp\":")
            .append(timestamps[s][i])
            .append("}}\n");
      }
      String id = shards.get(s);
      int last = timestamps[s].length;
      store.putBytes(
          BackupKeys.segment(db, id, 1, last), segment.toString().getBytes(StandardCharsets.UTF_8));
      long through = commits[s][last - 1];
      store.putBytes(
          BackupKeys.archiveState(db, id),
          BackupJson.write(new ArchiveState(id, last, 1, through, "p")));
    }
  }

  @Test
  void everyShardIsCutAtTheSameTimestampNotAtItsOwnClocksCommitTime() {
    // sh1's primary runs 10 s ahead: its commit times say its writes came after all of sh2's,
    // though the oracle's timestamps interleave them. At timestamp at(3_000) + 1 sh1 holds lsn 1..3
    // (stamped 1, 2, 3 s) and sh2 lsn 1..2 (1.5, 2.5 s); a cut at the commit time 3 s would have
    // kept only sh1's base (its commits are at 11 s and later) and sh2's lsn 1..2.
    long[][] timestamps = {
      {at(1_000), at(2_000), at(3_000), at(4_000), at(5_000)},
      {at(1_500), at(2_500), at(3_500), at(4_500), at(5_500)}
    };
    long[][] commits = {
      {11_000, 12_000, 13_000, 14_000, 15_000},
      {1_500, 2_500, 3_500, 4_500, 5_500}
    };
    database("skewed", timestamps, commits);
    BackupCatalog catalog = new BackupCatalog(store, "skewed", "uid-skewed");

    RestorePlan p = catalog.plan(new RestoreTarget.Timestamp(at(3_000) + 1));

    assertThat(p.base().name()).isEqualTo("b1");
    assertThat(p.shard("sh1")).isEqualTo(new RestorePlan.Shard("sh1", 1, 3, -1));
    assertThat(p.shard("sh2")).isEqualTo(new RestorePlan.Shard("sh2", 1, 2, -1));
    assertThat(p.summary()).startsWith("timestamp " + (at(3_000) + 1));
    // The same instant as a time cuts by the clocks instead (each replica stops at its last entry
    // committed by then): the two targets differ here, which is the point.
    assertThat(catalog.plan(new RestoreTarget.Time(3_000)).shard("sh1").toTimeMillis())
        .isEqualTo(3_000);
  }

  @Test
  void aTimestampPastOneShardsArchiveIsRefusedNamingTheShard() {
    long[][] timestamps = {
      {at(1_000), at(2_000), at(3_000), at(9_000), at(9_500)},
      {at(1_500), at(2_500), at(3_500), at(4_500), at(5_500)}
    };
    long[][] commits = {{1, 2, 3, 9, 9}, {1, 2, 3, 4, 5}};
    database("behind", timestamps, commits);
    assertThatThrownBy(
            () ->
                new BackupCatalog(store, "behind", "uid-behind")
                    .plan(new RestoreTarget.Timestamp(at(6_000))))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("is past the archive of shard sh2")
        .hasMessageContaining("lsn 5");
  }

  @Test
  void aReplayAcrossEntriesWithoutTimestampsAfterStampedOnesIsRefused() {
    long[][] timestamps = {
      {at(1_000), at(2_000), 0, 0, at(5_000)},
      {at(1_500), at(2_500), at(3_500), at(4_500), at(5_500)}
    };
    long[][] commits = {{1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}};
    database("mixed", timestamps, commits);
    BackupCatalog catalog = new BackupCatalog(store, "mixed", "uid-mixed");
    assertThatThrownBy(() -> catalog.plan(new RestoreTarget.Timestamp(at(4_000))))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("entries 3..4 of shard sh1 carry no global timestamp");
    // So is one whose first entry past it follows the stretch (the stretch may lie on either side).
    assertThatThrownBy(() -> catalog.plan(new RestoreTarget.Timestamp(at(2_000))))
        .hasMessageContaining("entries 3..4 of shard sh1");
    // Before the stretch the cut is exact.
    assertThat(catalog.plan(new RestoreTarget.Timestamp(at(1_500))).shard("sh1").toLsn())
        .isEqualTo(1);
  }
}
