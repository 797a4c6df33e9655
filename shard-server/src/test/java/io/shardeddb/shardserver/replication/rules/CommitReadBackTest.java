package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.shardserver.replication.rules.CommitReadBack.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rule 15's read-back compares what storage holds with what the commit planned, entry by entry. */
class CommitReadBackTest {
  private static LogEntry write(long lsn, long epoch, String rid, Object value) {
    return new LogEntry(
        lsn, epoch, Operation.Write, List.of(Map.of("Stud_id", 7, "v", value)), null, rid);
  }

  @Test
  void givenNothingStored_thenNothingWritten() {
    assertThat(CommitReadBack.verdict(List.of(write(5, 2, "y", 1)), List.of()))
        .isEqualTo(Verdict.NOTHING_WRITTEN);
  }

  @Test
  void givenExactlyThePlannedEntries_thenCommitted() {
    List<LogEntry> planned =
        List.of(new LogEntry(5, 2, Operation.Noop, null, null, null), write(6, 2, "y", 1));
    // The log's decoding types numbers its own way: 1 and 1L are the same value.
    List<LogEntry> stored =
        List.of(new LogEntry(5, 2, Operation.Noop, null, null, null), write(6, 2, "y", 1L));
    assertThat(CommitReadBack.verdict(planned, stored)).isEqualTo(Verdict.COMMITTED);
  }

  @Test
  void givenAnotherBatchsEntryAtTheSameLsnAndEpoch_thenUnknown() {
    // Review 2026-11-26 #3: x landed at the lsn y was planned at, in the same epoch.
    assertThat(CommitReadBack.verdict(List.of(write(6, 2, "y", 1)), List.of(write(6, 2, "x", 1))))
        .isEqualTo(Verdict.OTHER);
    // Without request ids the rows tell them apart.
    assertThat(CommitReadBack.verdict(List.of(write(6, 2, null, 1)), List.of(write(6, 2, null, 2))))
        .isEqualTo(Verdict.OTHER);
  }

  @Test
  void givenMoreOrFewerEntriesThanPlanned_thenUnknown() {
    LogEntry y = write(6, 2, "y", 1);
    assertThat(CommitReadBack.verdict(List.of(y), List.of(y, write(7, 2, "z", 1))))
        .isEqualTo(Verdict.OTHER);
    assertThat(CommitReadBack.verdict(List.of(y, write(7, 2, "z", 1)), List.of(y)))
        .isEqualTo(Verdict.OTHER);
    assertThat(CommitReadBack.verdict(List.of(), List.of(y))).isEqualTo(Verdict.OTHER);
  }

  @Test
  void matchingPrefixCountsTheLeadingEntriesThatAreTheSame() {
    LogEntry a = write(6, 2, "a", 1);
    LogEntry b = write(7, 2, "b", 1);
    assertThat(CommitReadBack.matchingPrefix(List.of(a, b), List.of(a))).isEqualTo(1);
    assertThat(CommitReadBack.matchingPrefix(List.of(a, b), List.of(a, b))).isEqualTo(2);
    assertThat(CommitReadBack.matchingPrefix(List.of(a, b), List.of(write(6, 1, "a", 1)))).isZero();
  }
}
