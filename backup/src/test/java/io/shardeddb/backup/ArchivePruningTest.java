package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What retention may delete from the archive once the oldest kept base backup is known. */
class ArchivePruningTest {
  private static ShardBaseBackup base(String shard, long lsn) {
    return new ShardBaseBackup(shard, lsn, 1, 0, "c", 0, "k", "p", "{}", 0, 0);
  }

  @Test
  void segmentsWhollyAtOrBeforeTheOldestKeptBaseOfTheirShardGoTheRestStays() {
    BackupManifest oldest =
        new BackupManifest(
            "b2", "db", 0, 0, List.of(base("sh1", 4000), base("sh2", 10)), List.of(), null);
    List<String> keys =
        List.of(
            BackupKeys.segment("db", "sh1", 1, 2000),
            BackupKeys.segment("db", "sh1", 2001, 4000), // ends at the base: replay starts after
            BackupKeys.segment("db", "sh1", 4001, 6000), // needed
            BackupKeys.segment("db", "sh1", 3500, 4500), // straddles the base: needed
            BackupKeys.segment("db", "sh2", 1, 9),
            BackupKeys.segment("db", "sh2", 10, 20), // holds entries after lsn 10: needed
            BackupKeys.segment("db", "sh3", 1, 5), // a shard the base does not hold: kept
            BackupKeys.rangeChange("db", "sh1", 100), // range changes stay
            BackupKeys.archiveState("db", "sh1"),
            BackupKeys.segment("other", "sh1", 1, 2)); // another database's: never
    assertThat(ArchivePruning.behindOldestBase("db", oldest, keys))
        .containsExactly(
            BackupKeys.segment("db", "sh1", 1, 2000),
            BackupKeys.segment("db", "sh1", 2001, 4000),
            BackupKeys.segment("db", "sh2", 1, 9));
  }
}
