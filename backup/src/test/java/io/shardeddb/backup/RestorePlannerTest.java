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
  void aTimestampUsesTheLatestBackupAtOrBelowEveryShardsCutAndReplaysExactlyToTheCut() {
    long ts = 6_000L << 21;
    Map<String, RestorePoint> cuts =
        Map.of(
            TimestampCut.pointName(ts),
            TimestampCut.asPoint(
                "db",
                ts,
                Map.of(
                    "sh1", new TimestampCut.ShardCut("sh1", 45, -1, -1),
                    "sh2", new TimestampCut.ShardCut("sh2", 80, -1, -1))));
    RestorePlan p =
        RestorePlanner.plan("db", new RestoreTarget.Timestamp(ts), BACKUPS, ARCHIVE, cuts);
    // b2 completed before the timestamp's time, but its sh1 snapshot (lsn 50) is past sh1's cut.
    assertThat(p.base().name()).isEqualTo("b1");
    assertThat(p.shard("sh1")).isEqualTo(new RestorePlan.Shard("sh1", 10, 45, -1));
    assertThat(p.shard("sh2")).isEqualTo(new RestorePlan.Shard("sh2", 20, 80, -1));
    assertThat(p.summary()).startsWith("timestamp " + ts).endsWith("from backup b1");

    Map<String, RestorePoint> before =
        Map.of(
            TimestampCut.pointName(ts),
            TimestampCut.asPoint(
                "db",
                ts,
                Map.of(
                    "sh1", new TimestampCut.ShardCut("sh1", 9, -1, -1),
                    "sh2", new TimestampCut.ShardCut("sh2", 80, -1, -1))));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db", new RestoreTarget.Timestamp(ts), BACKUPS, ARCHIVE, before))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("no complete backup of 'db' lies before timestamp " + ts);
    Map<String, RestorePoint> ahead =
        Map.of(
            TimestampCut.pointName(ts),
            TimestampCut.asPoint(
                "db",
                ts,
                Map.of(
                    "sh1", new TimestampCut.ShardCut("sh1", 91, -1, -1),
                    "sh2", new TimestampCut.ShardCut("sh2", 80, -1, -1))));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan("db", new RestoreTarget.Timestamp(ts), BACKUPS, ARCHIVE, ahead))
        .hasMessageContaining("short of the cut at timestamp " + ts);
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

  /** A shard's part of a backup whose config records what it owns, as a shard-server writes it. */
  private static ShardBaseBackup owning(String id, long lsn, long low, long size) {
    String config =
        "{\"shardId\":\""
            + id
            + "\",\"low\":"
            + low
            + ",\"size\":"
            + size
            + ",\"owned\":[{\"low\":"
            + low
            + ",\"size\":"
            + size
            + "}]}";
    return new ShardBaseBackup(id, lsn, 1, 5, "c", 10, "k", "r", config, 0, 0);
  }

  /** b2 of a database whose sh1 owns [0, 4096) and sh2 [4096, 8192) (at lsns 50 and 60). */
  private static final List<BackupManifest> OWNING =
      List.of(
          new BackupManifest(
              "b2",
              "db",
              4_900,
              5_000,
              List.of(owning("sh1", 50, 0, 4096), owning("sh2", 60, 4096, 4096)),
              List.of(),
              null));

  private static final Map<String, ArchiveState> WITH_SH3 =
      Map.of(
          "sh1", new ArchiveState("sh1", 90, 1, 9_000, "p"),
          "sh2", new ArchiveState("sh2", 95, 1, 9_000, "p"),
          "sh3", new ArchiveState("sh3", 40, 1, 9_000, "p"));

  /**
   * sh2 split after b2: [6144, 8192) moves to a new shard sh3 (fence on sh2 at lsn 70, adopt on sh3
   * at its lsn 30, purge on sh2 at lsn 72).
   */
  private static final List<RangeChange> SPLIT =
      List.of(
          new RangeChange("sh2", 70, 7_000, "Fence", 6144, 2048),
          new RangeChange("sh3", 30, 7_100, "Adopt", 6144, 2048),
          new RangeChange("sh2", 72, 7_200, "Purge", 6144, 2048));

  private static final Map<String, Long> FROM_START = Map.of("sh1", 1L, "sh2", 1L, "sh3", 1L);

  private static BackupManifest.ShardRange range(String shard, long low, long size) {
    return new BackupManifest.ShardRange(shard, low, size);
  }

  /**
   * A split after the base backup: a target past the new shard's adopt restores the layout then,
   * the new shard from an empty base plus its archive from its first entry, for a time and for a
   * restore point alike.
   */
  @Test
  void aSplitAfterTheBaseRestoresTheLayoutAtTheTargetWithTheNewShardFromItsWholeArchive() {
    RestorePlan p =
        RestorePlanner.plan(
            "db", new RestoreTarget.Time(8_000), OWNING, WITH_SH3, Map.of(), SPLIT, FROM_START);
    assertThat(p.base().name()).isEqualTo("b2");
    assertThat(p.layout())
        .containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 2048), range("sh3", 6144, 2048));
    assertThat(p.shard("sh2").owned()).containsExactly(new KeyRange(4096, 2048));
    assertThat(p.shard("sh2").unfenced()).isEmpty();
    RestorePlan.Shard sh3 = p.shard("sh3");
    assertThat(sh3.emptyBase()).isTrue();
    assertThat(sh3.baseLsn()).isZero();
    assertThat(sh3.toTimeMillis()).isEqualTo(8_000);
    assertThat(sh3.owned()).containsExactly(new KeyRange(6144, 2048));

    Map<String, RestorePoint> points =
        Map.of(
            "rp", new RestorePoint("rp", "db", 7_600, Map.of("sh1", 55L, "sh2", 75L, "sh3", 35L)));
    RestorePlan atPoint =
        RestorePlanner.plan(
            "db", new RestoreTarget.Point("rp"), OWNING, WITH_SH3, points, SPLIT, FROM_START);
    assertThat(atPoint.layout()).isEqualTo(p.layout());
    assertThat(atPoint.shard("sh3"))
        .isEqualTo(
            new RestorePlan.Shard(
                "sh3", 0, 35, -1, true, List.of(new KeyRange(6144, 2048)), List.of()));

    // Before the split's fence: the layout of the backup, no sh3.
    RestorePlan before =
        RestorePlanner.plan(
            "db", new RestoreTarget.Time(6_999), OWNING, WITH_SH3, Map.of(), SPLIT, FROM_START);
    assertThat(before.layout()).containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 4096));
    assertThat(before.shard("sh3")).isNull();
  }

  /**
   * A new shard's archive must hold every entry from its first one: one that starts later
   * (archiving turned on after the split) or does not reach the target is refused, naming the
   * shard.
   */
  @Test
  void aNewShardWhoseArchiveLacksItsStartOrTheTargetIsRefused() {
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Time(8_000),
                    OWNING,
                    WITH_SH3,
                    Map.of(),
                    SPLIT,
                    Map.of("sh1", 1L, "sh2", 1L, "sh3", 5L)))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("shard sh3")
        .hasMessageContaining("lsn 5")
        .hasMessageContaining("entries 1..4");
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Time(8_000),
                    OWNING,
                    Map.of(
                        "sh1", WITH_SH3.get("sh1"),
                        "sh2", WITH_SH3.get("sh2"),
                        "sh3", new ArchiveState("sh3", 20, 1, 7_500, "p")),
                    Map.of(),
                    SPLIT,
                    FROM_START))
        .hasMessageContaining("after the last archived entry of shard sh3");
    Map<String, RestorePoint> ahead =
        Map.of(
            "rp", new RestorePoint("rp", "db", 7_600, Map.of("sh1", 55L, "sh2", 75L, "sh3", 45L)));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Point("rp"),
                    OWNING,
                    WITH_SH3,
                    ahead,
                    SPLIT,
                    FROM_START))
        .hasMessageContaining("sh3 has archived up to lsn 40");
  }

  /**
   * A shard added over new points after the base backup (the assignment's {@code /add}, no move)
   * has an archive but is neither in the base nor in any range change: a restore past the base
   * cannot place it, and leaving it out would drop its rows, so the restore is refused naming it. A
   * named backup replays nothing, and a restore point that does not record the shard was taken
   * before it existed: both restore as before.
   */
  @Test
  void aShardAddedOverNewPointsAfterTheBaseIsNeverLeftOutSilently() {
    Map<String, Long> withSh4 = Map.of("sh1", 1L, "sh2", 1L, "sh4", 1L);
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Time(8_000),
                    OWNING,
                    WITH_SH3,
                    Map.of(),
                    List.of(),
                    withSh4))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("shard sh4")
        .hasMessageContaining("not in backup 'b2'")
        .hasMessageContaining("its rows would be missing");
    Map<String, RestorePoint> after =
        Map.of(
            "rp", new RestorePoint("rp", "db", 7_600, Map.of("sh1", 55L, "sh2", 75L, "sh4", 9L)));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Point("rp"),
                    OWNING,
                    WITH_SH3,
                    after,
                    List.of(),
                    withSh4))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("shard sh4")
        .hasMessageContaining("restore point 'rp' records it");

    Map<String, RestorePoint> before =
        Map.of("rp", new RestorePoint("rp", "db", 7_600, Map.of("sh1", 55L, "sh2", 75L)));
    assertThat(
            RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Point("rp"),
                    OWNING,
                    WITH_SH3,
                    before,
                    List.of(),
                    withSh4)
                .layout())
        .containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 4096));
    assertThat(
            RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Backup("b2"),
                    OWNING,
                    WITH_SH3,
                    Map.of(),
                    List.of(),
                    withSh4)
                .layout())
        .containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 4096));
  }

  /** A merge after the base backup: the shard merged away owns nothing and is not restored. */
  @Test
  void aMergeAfterTheBaseRestoresOneShardOwningBothRanges() {
    List<RangeChange> merge =
        List.of(
            new RangeChange("sh2", 70, 7_000, "Fence", 4096, 4096),
            new RangeChange("sh1", 60, 7_100, "Adopt", 4096, 4096),
            new RangeChange("sh2", 72, 7_200, "Purge", 4096, 4096));
    RestorePlan p =
        RestorePlanner.plan(
            "db",
            new RestoreTarget.Time(8_000),
            OWNING,
            ARCHIVE_BOTH,
            Map.of(),
            merge,
            Map.of("sh1", 1L, "sh2", 1L));
    assertThat(p.layout()).containsExactly(range("sh1", 0, 8192));
    assertThat(p.shard("sh2")).isNull();
    assertThat(p.shard("sh1").owned()).containsExactly(new KeyRange(0, 8192));
    assertThat(p.shard("sh1").toTimeMillis()).isEqualTo(8_000);
  }

  private static final Map<String, ArchiveState> ARCHIVE_BOTH =
      Map.of(
          "sh1", new ArchiveState("sh1", 90, 1, 9_000, "p"),
          "sh2", new ArchiveState("sh2", 95, 1, 9_000, "p"));

  /**
   * A target between the source's fence and the destination's adopt: the published layout then was
   * still the source's, and the source holds every change to the range up to its fence; so the
   * source restores owning it again (un-fenced, as the operator does after a cut-over that timed
   * out) and the destination, which does not own it yet, is not restored.
   */
  @Test
  void aTargetBetweenTheFenceAndTheAdoptRestoresTheRangeOnTheSource() {
    RestorePlan p =
        RestorePlanner.plan(
            "db", new RestoreTarget.Time(7_050), OWNING, WITH_SH3, Map.of(), SPLIT, FROM_START);
    assertThat(p.layout()).containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 4096));
    assertThat(p.shard("sh2").owned()).containsExactly(new KeyRange(4096, 4096));
    assertThat(p.shard("sh2").unfenced()).containsExactly(new KeyRange(6144, 2048));
    assertThat(p.shard("sh3")).isNull();
    Map<String, RestorePoint> points =
        Map.of(
            "rp", new RestorePoint("rp", "db", 7_050, Map.of("sh1", 55L, "sh2", 70L, "sh3", 29L)));
    RestorePlan atPoint =
        RestorePlanner.plan(
            "db", new RestoreTarget.Point("rp"), OWNING, WITH_SH3, points, SPLIT, FROM_START);
    assertThat(atPoint.layout()).isEqualTo(p.layout());
    assertThat(atPoint.shard("sh2").unfenced()).containsExactly(new KeyRange(6144, 2048));
  }

  /**
   * A layout the shards' archives cannot give exactly is refused with what is wrong: two shards
   * owning the same points at the target (their primaries' clocks disagree about the order of a
   * fence and an adopt), or a shard whose ownership at the backup is unknown.
   */
  @Test
  void aLayoutThatCannotBeRestoredExactlyIsRefused() {
    List<RangeChange> skewed =
        List.of(
            new RangeChange("sh2", 70, 7_300, "Fence", 6144, 2048),
            new RangeChange("sh3", 30, 7_100, "Adopt", 6144, 2048));
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Time(7_200),
                    OWNING,
                    WITH_SH3,
                    Map.of(),
                    skewed,
                    FROM_START))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("both own points [6144, 8192)");
    assertThatThrownBy(
            () ->
                RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Time(8_000),
                    BACKUPS,
                    WITH_SH3,
                    Map.of(),
                    SPLIT,
                    FROM_START))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("which points shard sh1 owned");
    // A named backup replays nothing: its layout is that of its snapshots.
    assertThat(
            RestorePlanner.plan(
                    "db",
                    new RestoreTarget.Backup("b2"),
                    OWNING,
                    WITH_SH3,
                    Map.of(),
                    SPLIT,
                    FROM_START)
                .layout())
        .containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 4096));
  }

  /**
   * A base backup taken during a move's cut-over (sh2 fenced [6144, 8192) before its snapshot, sh3
   * adopted it after): the backup alone restores it on sh2, as the published layout had it then; a
   * time after the adopt restores it on sh3, from sh3's snapshot in the backup and its archive.
   */
  @Test
  void aBackupTakenBetweenAFenceAndItsAdoptRestoresTheLayoutThatWasPublished() {
    ShardBaseBackup sh3 =
        new ShardBaseBackup(
            "sh3", 25, 1, 0, "c", 10, "k", "r", "{\"shardId\":\"sh3\",\"owned\":[]}", 0, 0);
    List<BackupManifest> midMove =
        List.of(
            new BackupManifest(
                "b2",
                "db",
                4_900,
                5_000,
                List.of(owning("sh1", 50, 0, 4096), owning("sh2", 60, 4096, 2048), sh3),
                List.of(),
                null));
    List<RangeChange> changes =
        List.of(
            new RangeChange("sh2", 58, 4_800, "Fence", 6144, 2048),
            new RangeChange("sh3", 30, 5_100, "Adopt", 6144, 2048));
    RestorePlan named =
        RestorePlanner.plan(
            "db", new RestoreTarget.Backup("b2"), midMove, WITH_SH3, Map.of(), changes, FROM_START);
    assertThat(named.layout()).containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 4096));
    assertThat(named.shard("sh2").unfenced()).containsExactly(new KeyRange(6144, 2048));
    assertThat(named.shard("sh3")).isNull();
    RestorePlan later =
        RestorePlanner.plan(
            "db", new RestoreTarget.Time(5_200), midMove, WITH_SH3, Map.of(), changes, FROM_START);
    assertThat(later.layout())
        .containsExactly(range("sh1", 0, 4096), range("sh2", 4096, 2048), range("sh3", 6144, 2048));
    assertThat(later.shard("sh3"))
        .isEqualTo(
            new RestorePlan.Shard(
                "sh3", 25, -1, 5_200, false, List.of(new KeyRange(6144, 2048)), List.of()));
  }
}
