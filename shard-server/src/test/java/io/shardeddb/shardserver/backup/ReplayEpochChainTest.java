package io.shardeddb.shardserver.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import org.junit.jupiter.api.Test;

/**
 * A restore replays one log (safety review 2026-11-26, item 1): besides LSN continuity, the epochs
 * of the replayed entries never go back, so segments of another incarnation or of a deposed primary
 * are refused, not replayed.
 */
class ReplayEpochChainTest {
  private static LogEntry entry(long lsn, long epoch) {
    return new LogEntry(lsn, epoch, Operation.values()[0], null, null, null);
  }

  @Test
  void epochsThatStayOrRiseArePassed() {
    assertThat(ArchiveReplay.epochAfter("sh1", 1, entry(5, 1))).isEqualTo(1);
    assertThat(ArchiveReplay.epochAfter("sh1", 1, entry(6, 3))).isEqualTo(3);
  }

  @Test
  void anEntryOfAnEarlierEpochThanItsPredecessorIsRefused() {
    assertThatThrownBy(() -> ArchiveReplay.epochAfter("sh1", 3, entry(7, 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("goes back from epoch 3 to 2 at lsn 7")
        .hasMessageContaining("rather than replay past lsn 6");
  }
}
