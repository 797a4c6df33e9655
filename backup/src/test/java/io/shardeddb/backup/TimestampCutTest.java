package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.TimestampCut.ShardCut;
import io.shardeddb.backup.TimestampCut.Stamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a restore to a global timestamp cuts one shard's archive, and what it refuses. */
class TimestampCutTest {

  /** The first timestamp of millisecond {@code millis} (protocol's GlobalTimestamp.atMillis). */
  private static long at(long millis) {
    return millis << 21;
  }

  private static List<Stamp> stamps(long firstLsn, long... timestamps) {
    return java.util.stream.IntStream.range(0, timestamps.length)
        .mapToObj(i -> new Stamp(firstLsn + i, timestamps[i]))
        .toList();
  }

  @Test
  void theCutIsTheLastEntryAtOrBelowTheTimestamp() {
    List<Stamp> s = stamps(10, at(100), at(200), at(300) + 1, at(400));
    assertThat(TimestampCut.cut("sh1", at(300), s)).isEqualTo(new ShardCut("sh1", 11, -1, -1));
    assertThat(TimestampCut.cut("sh1", at(300) + 1, s)).isEqualTo(new ShardCut("sh1", 12, -1, -1));
    assertThat(TimestampCut.cut("sh1", at(399), s).lsn()).isEqualTo(12);
  }

  @Test
  void anArchiveEndingWithAnEntryStampedExactlyAtTheTimestampReachesIt() {
    assertThat(TimestampCut.cut("sh1", at(200), stamps(1, at(100), at(200))).lsn()).isEqualTo(2);
  }

  @Test
  void aTimestampPastTheArchiveIsRefusedNamingTheShardAndWhereItsArchiveEnds() {
    assertThatThrownBy(() -> TimestampCut.cut("sh2", at(500), stamps(7, at(100), at(200))))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("is past the archive of shard sh2")
        .hasMessageContaining("lsn 8, has timestamp " + at(200))
        .hasMessageContaining("1970-01-01T00:00:00.200Z")
        .hasMessageContaining("one write after the timestamp");
    assertThatThrownBy(() -> TimestampCut.cut("sh2", at(500), List.of()))
        .hasMessageContaining("it has nothing archived");
  }

  @Test
  void aTimestampBeforeEverythingArchivedSinceTheOldestBaseIsRefusedUnlessTheLogStartsThere() {
    assertThatThrownBy(() -> TimestampCut.cut("sh1", at(50), stamps(40, at(100), at(200))))
        .hasMessageContaining("before what the archive of shard sh1 holds")
        .hasMessageContaining("lsn 40");
    assertThat(TimestampCut.cut("sh1", at(50), stamps(1, at(100), at(200))).lsn()).isZero();
  }

  @Test
  void entriesWithoutATimestampBeforeEveryStampedOneCountAsBeforeEveryTimestamp() {
    List<Stamp> s = stamps(1, 0, 0, 0, at(100), at(200));
    assertThat(TimestampCut.cut("sh1", at(50), s)).isEqualTo(new ShardCut("sh1", 3, -1, -1));
    assertThat(TimestampCut.cut("sh1", at(150), s)).isEqualTo(new ShardCut("sh1", 4, -1, -1));
  }

  @Test
  void aStretchWithoutTimestampsAfterStampedEntriesIsRecordedAndAReplayAcrossItRefused() {
    List<Stamp> s = stamps(1, at(100), 0, 0, at(200), at(300));
    ShardCut c = TimestampCut.cut("sh1", at(250), s);
    assertThat(c).isEqualTo(new ShardCut("sh1", 4, 2, 3));
    // The stretch just before the first entry past the timestamp is at or below the cut, too.
    assertThat(TimestampCut.cut("sh1", at(150), s)).isEqualTo(new ShardCut("sh1", 3, 2, 3));

    RestorePlan fromBelow = plan(new RestorePlan.Shard("sh1", 1, 4, -1));
    assertThat(TimestampCut.crossesUnknown(fromBelow, Map.of("sh1", c)))
        .contains("entries 2..3 of shard sh1 carry no global timestamp")
        .contains("from a base backup taken after lsn 3");
    RestorePlan fromAbove = plan(new RestorePlan.Shard("sh1", 3, 4, -1));
    assertThat(TimestampCut.crossesUnknown(fromAbove, Map.of("sh1", c))).isNull();
  }

  @Test
  void anArchiveOutOfTimestampOrderAtTheCutIsRefused() {
    assertThatThrownBy(() -> TimestampCut.cut("sh1", at(250), stamps(1, at(100), at(300), at(200))))
        .hasMessageContaining("not in timestamp order")
        .hasMessageContaining("lsn 3");
  }

  @Test
  void aTimestampIsPositive() {
    assertThatThrownBy(() -> TimestampCut.cut("sh1", 0, stamps(1, at(100))))
        .hasMessageContaining("positive");
  }

  @Test
  void theCutsBecomeARestorePointOfEachShardsLsn() {
    RestorePoint p =
        TimestampCut.asPoint(
            "db",
            at(300),
            Map.of("sh1", new ShardCut("sh1", 11, -1, -1), "sh2", new ShardCut("sh2", 4, -1, -1)));
    assertThat(p.name()).isEqualTo(TimestampCut.pointName(at(300)));
    assertThat(p.lsns()).containsExactlyInAnyOrderEntriesOf(Map.of("sh1", 11L, "sh2", 4L));
    assertThat(p.createdAtMillis()).isEqualTo(300);
  }

  private static RestorePlan plan(RestorePlan.Shard shard) {
    BackupManifest m = new BackupManifest("b1", "db", 0, 1, List.of(), List.of(), null);
    return new RestorePlan("db", m, List.of(shard), "timestamp t from backup b1");
  }
}
