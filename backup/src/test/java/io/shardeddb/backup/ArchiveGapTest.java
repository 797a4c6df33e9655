package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which restore plans would replay across entries a shard never archived. */
class ArchiveGapTest {
  /**
   * sh1's entries 101..150 never reached the archive; before them it was complete through t=5000.
   */
  private static final List<ArchiveGap> GAPS =
      List.of(new ArchiveGap("sh1", 101, 150, 5_000, 9_000, "db-sh1-2"));

  private static RestorePlan plan(long baseLsn, long toLsn, long toTime) {
    return new RestorePlan(
        "db",
        null,
        List.of(
            new RestorePlan.Shard("sh1", baseLsn, toLsn, toTime),
            new RestorePlan.Shard("sh2", 10, toLsn, toTime)),
        "");
  }

  @Test
  void aReplayToAnLsnOrATimePastTheGapIsRefusedNamingWhatWouldWork() {
    assertThat(ArchiveGap.crossedBy(plan(50, 120, -1), GAPS))
        .contains("entries 101..150 of shard sh1 were never archived")
        .contains("from a base backup taken after lsn 150");
    assertThat(ArchiveGap.crossedBy(plan(50, -1, 6_000), GAPS))
        .contains("restore to a time at or before 1970-01-01T00:00:05Z");
  }

  @Test
  void aRestoreBeforeTheGapOrFromABaseAfterItOrOfTheBackupAloneIsPlanned() {
    assertThat(ArchiveGap.crossedBy(plan(50, 100, -1), GAPS)).isNull();
    assertThat(ArchiveGap.crossedBy(plan(50, -1, 5_000), GAPS)).isNull();
    assertThat(ArchiveGap.crossedBy(plan(150, 400, -1), GAPS)).isNull();
    assertThat(ArchiveGap.crossedBy(plan(50, -1, -1), GAPS)).isNull();
  }
}
