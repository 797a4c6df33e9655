package io.shardeddb.shardserver.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestoreTarget;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restore's decisions, each a function of values: the target to plan, the base check, the
 * segments to read and what the replay does with each archived entry.
 */
class RestoreRulesTest {

  private static ArchivedEntry entry(long lsn, long millis) {
    return new ArchivedEntry(millis, new LogEntry(lsn, 1, Operation.values()[0], null, null, null));
  }

  @Test
  void aRestorePointOrABackupAloneOrATimeIsPlannedAndADirectReplayIsNot() {
    assertThat(RestoreRules.toPlan("b1", -1, -1, "p1", -1, -1))
        .contains(new RestoreTarget.Point("p1"));
    assertThat(RestoreRules.toPlan("b1", -1, -1, null, 5_000, -1))
        .contains(new RestoreTarget.Backup("b1"));
    assertThat(RestoreRules.toPlan(" ", -1, -1, "", 5_000, -1))
        .contains(new RestoreTarget.Time(5_000));
    assertThat(RestoreRules.toPlan("b1", 42, -1, null, -1, -1))
        .as("restore-to-lsn with a backup")
        .isEmpty();
    assertThat(RestoreRules.toPlan(null, -1, -1, null, -1, -1)).isEmpty();
    assertThat(RestoreRules.toPlan(" ", -1, -1, "", -1, 7L << 21))
        .as("a global timestamp")
        .contains(new RestoreTarget.Timestamp(7L << 21));
  }

  @Test
  void aPlannedTargetTakesThePlansBaseAndBoundsAndAShardOutsideTheLayoutIsRefused() {
    BackupManifest base = new BackupManifest("b7", "db", 1, 2, List.of(), List.of(), null);
    RestorePlan plan =
        new RestorePlan(
            "db", base, List.of(new RestorePlan.Shard("sh1", 10, 25, -1)), "restore point p");

    RestoreRules.Target t = RestoreRules.Target.planned("sh1", plan);
    assertThat(t.backup()).isEqualTo("b7");
    assertThat(t.toLsn()).isEqualTo(25);
    assertThat(t.replays()).isTrue();
    assertThat(t.emptyBase()).isFalse();

    assertThatThrownBy(() -> RestoreRules.Target.planned("sh9", plan))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the restore plan (restore point p) has no sh9");
  }

  @Test
  void aBaseThatDiffersFromItsManifestIsRefused() {
    ShardBaseBackup base = new ShardBaseBackup("sh1", 10, 1, 5, "abc", 10, "k", "r", "{}", 0, 0);

    RestoreRules.requireMatches("sh1", base, new RestoreRules.TableSum(5, "abc"));
    assertThatThrownBy(
            () -> RestoreRules.requireMatches("sh1", base, new RestoreRules.TableSum(4, "abc")))
        .hasMessageContaining("4 rows, checksum abc; manifest: 5 rows, checksum abc");
  }

  @Test
  void onlySegmentsReachingPastTheBaseAreReadInLsnOrder() {
    List<String> keys =
        List.of(
            BackupKeys.segment("db", "sh1", 21, 30),
            BackupKeys.segment("db", "sh1", 1, 10),
            BackupKeys.walPrefix("db", "sh1") + "gaps/x.json",
            BackupKeys.segment("db", "sh1", 11, 20));

    assertThat(RestoreRules.segmentsAfter(keys, 10))
        .extracting(RestoreRules.Segment::first, RestoreRules.Segment::last)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(11L, 20L),
            org.assertj.core.groups.Tuple.tuple(21L, 30L));
  }

  @Test
  void theReplaySkipsWhatItHasStopsPastTheTargetAndRefusesAGap() {
    assertThat(RestoreRules.take("sh1", entry(4, 100), 5, -1, -1))
        .isEqualTo(RestoreRules.Take.SKIP);
    assertThat(RestoreRules.take("sh1", entry(5, 100), 5, -1, -1))
        .isEqualTo(RestoreRules.Take.APPLY);
    assertThat(RestoreRules.take("sh1", entry(5, 100), 5, 4, -1)).isEqualTo(RestoreRules.Take.STOP);
    assertThat(RestoreRules.take("sh1", entry(5, 101), 5, -1, 100))
        .as("committed after the target time")
        .isEqualTo(RestoreRules.Take.STOP);
    assertThat(RestoreRules.take("sh1", entry(9, 100), 5, 8, -1))
        .as("past the target LSN before the gap matters")
        .isEqualTo(RestoreRules.Take.STOP);
    assertThatThrownBy(() -> RestoreRules.take("sh1", entry(7, 100), 5, -1, -1))
        .hasMessageContaining("the archive of sh1 has a gap: lsn 5 is missing");
  }
}
