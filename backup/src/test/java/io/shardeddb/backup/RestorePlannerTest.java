package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which base backup and targets a restore uses, and the requests it refuses. */
class RestorePlannerTest {
  private static final List<BackupManifest> BACKUPS =
      List.of(manifest("b1", 1_000, 10, 20), manifest("b2", 5_000, 50, 60));
  private static final Map<String, ArchiveState> ARCHIVE =
      Map.of(
          "sh1", new ArchiveState("sh1", 90, 1, 9_000, "p"),
          "sh2", new ArchiveState("sh2", 95, 1, 8_000, "p"));

  private static BackupManifest manifest(String name, long completed, long lsn1, long lsn2) {
    return new BackupManifest(
        name,
        "db",
        completed - 100,
        completed,
        List.of(shard("sh1", lsn1), shard("sh2", lsn2)),
        List.of(),
        null);
  }

  private static ShardBaseBackup shard(String id, long lsn) {
    return new ShardBaseBackup(id, lsn, 1, 5, "c", 10, "k", "r", "{}", 0, 0);
  }

  @Test
  void aNamedBackupRestoresItsSnapshotsAlone() {
    RestorePlan p =
        RestorePlanner.plan("db", new RestoreTarget.Backup("b1"), BACKUPS, ARCHIVE, Map.of());
    assertThat(p.base().name()).isEqualTo("b1");
    assertThat(p.shard("sh2")).isEqualTo(new RestorePlan.Shard("sh2", 20, -1, -1));
  }

  @Test
  void aTimeUsesTheLatestBackupCompletedByThenAndReplaysToIt() {
    RestorePlan p =
        RestorePlanner.plan("db", new RestoreTarget.Time(6_000), BACKUPS, ARCHIVE, Map.of());
    assertThat(p.base().name()).isEqualTo("b2");
    assertThat(p.shard("sh1")).isEqualTo(new RestorePlan.Shard("sh1", 50, -1, 6_000));
    assertThat(
            RestorePlanner.plan("db", new RestoreTarget.Time(4_999), BACKUPS, ARCHIVE, Map.of())
                .base()
                .name())
        .isEqualTo("b1");
  }

  @Test
  void aRestorePointUsesTheLatestBackupBelowEveryCutAndReplaysExactlyToIt() {
    Map<String, RestorePoint> points =
        Map.of("rp", new RestorePoint("rp", "db", 4_000, Map.of("sh1", 40L, "sh2", 70L)));
    RestorePlan p =
        RestorePlanner.plan("db", new RestoreTarget.Point("rp"), BACKUPS, ARCHIVE, points);
    // b2 has sh1 at 50 > 40: only b1 lies below the cut.
    assertThat(p.base().name()).isEqualTo("b1");
    assertThat(p.shard("sh1")).isEqualTo(new RestorePlan.Shard("sh1", 10, 40, -1));
    assertThat(p.shard("sh2")).isEqualTo(new RestorePlan.Shard("sh2", 20, 70, -1));
  }

  @Test
  void requestsOutsideWhatTheStoreHoldsAreRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db", new RestoreTarget.Backup("b9"), BACKUPS, ARCHIVE, Map.of()))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("'b9'")
        .hasMessageContaining("b1, b2");
    assertThatThrownBy(
            () ->
                RestorePlanner.plan("db", new RestoreTarget.Time(500), BACKUPS, ARCHIVE, Map.of()))
        .hasMessageContaining("before the first complete backup");
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db", new RestoreTarget.Time(8_500), BACKUPS, ARCHIVE, Map.of()))
        .hasMessageContaining("after the last archived entry of shard sh2");
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db", new RestoreTarget.Point("nope"), BACKUPS, ARCHIVE, Map.of()))
        .hasMessageContaining("restore point 'nope'");
    Map<String, RestorePoint> ahead =
        Map.of("rp", new RestorePoint("rp", "db", 9_000, Map.of("sh1", 99L, "sh2", 70L)));
    assertThatThrownBy(
            () -> RestorePlanner.plan("db", new RestoreTarget.Point("rp"), BACKUPS, ARCHIVE, ahead))
        .hasMessageContaining("short of restore point");
  }

  /**
   * A resharding move after the base backup: each shard's archive replays over the backup's layout,
   * which the move changed, so a target past the move's first range change is refused with what
   * changed and the way out; a target before it, a named backup, or a base taken after the move
   * restores.
   */
  @Test
  void aTargetPastAMoveAfterItsBaseIsRefusedWithWhatChanged() {
    List<RangeChange> moved =
        List.of(
            new RangeChange("sh1", 70, 7_000, "Fence", 2048, 2048),
            new RangeChange("sh2", 80, 7_100, "Adopt", 2048, 2048),
            new RangeChange("sh1", 75, 7_500, "Purge", 2048, 2048));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db", new RestoreTarget.Time(8_000), BACKUPS, ARCHIVE, Map.of(), moved))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("resharding move changed the layout after backup 'b2'")
        .hasMessageContaining("shard sh1 stopped taking writes for points [2048, 4096) at lsn 70")
        .hasMessageContaining("backup create db");
    assertThat(
            RestorePlanner.plan(
                    "db", new RestoreTarget.Time(6_999), BACKUPS, ARCHIVE, Map.of(), moved)
                .base()
                .name())
        .isEqualTo("b2");
    assertThat(
            RestorePlanner.plan(
                    "db", new RestoreTarget.Backup("b1"), BACKUPS, ARCHIVE, Map.of(), moved)
                .base()
                .name())
        .isEqualTo("b1");
    // A base completed after the move holds it in its snapshots (lsns past the changes).
    List<BackupManifest> withLater =
        List.of(BACKUPS.get(0), BACKUPS.get(1), manifest("b3", 7_800, 76, 81));
    assertThat(
            RestorePlanner.plan(
                    "db", new RestoreTarget.Time(8_000), withLater, ARCHIVE, Map.of(), moved)
                .base()
                .name())
        .isEqualTo("b3");
    // A restore point past the fence is refused too.
    Map<String, RestorePoint> points =
        Map.of("rp", new RestorePoint("rp", "db", 7_600, Map.of("sh1", 76L, "sh2", 85L)));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db", new RestoreTarget.Point("rp"), BACKUPS, ARCHIVE, points, moved))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("resharding move");
  }
}
