package io.shardeddb.shardserver.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where an archive goes on from, given the first entry the primary's log still holds past it. */
class ArchiveResumeTest {

  @Test
  void theNextEntryHeldContinuesTheArchive() {
    assertThat(ArchiveResume.of(11, true, 12)).isEqualTo(new ArchiveResume.Contiguous());
    assertThat(ArchiveResume.of(0, false, 1)).isEqualTo(new ArchiveResume.Contiguous());
  }

  @Test
  void aPageThatBeginsAfterTheHoleIsAGapNotANewArchive() {
    // The order fresh-clone CI hit (BackupArchiveTest.aCallHangingWhileTheLogIsTrimmed…): an
    // upload of 12..21 hung while the log was trimmed to 41, so once it was answered the next page,
    // asked from 22, began at 42.
    assertThat(ArchiveResume.of(21, true, 42)).isEqualTo(new ArchiveResume.Gap(22, 41));
  }

  @Test
  void withNothingOfTheShardInTheStoreTheArchiveBeginsWhereTheLogDoes() {
    // A database restored at lsn 500: its own archive starts after it.
    assertThat(ArchiveResume.of(0, false, 501)).isEqualTo(new ArchiveResume.Begin(500));
  }

  @Test
  void anArchiveWithAnythingInTheStoreNeverBeginsAgain() {
    // state.json missing (the store failed after a segment): a restarted primary whose log was
    // trimmed past the archive records the gap from what the archive holds.
    assertThat(ArchiveResume.of(0, true, 501)).isEqualTo(new ArchiveResume.Gap(1, 500));
  }
}
