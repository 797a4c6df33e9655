package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.replication.rules.ImportRules.SourceReplica;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure rules of resharding: range entries, the import's log filter and source choice. */
class RangeRulesTest {
  private static final PointRange R = new PointRange(100, 50);

  @Test
  void fenceRemovesAdoptAddsAndBothAreIdempotent() {
    List<PointRange> owned = List.of(new PointRange(0, 200));
    List<PointRange> fenced = RangeRules.ownedAfter(owned, Operation.Fence, R);
    assertThat(fenced).containsExactly(new PointRange(0, 100), new PointRange(150, 50));
    assertThat(RangeRules.ownedAfter(fenced, Operation.Fence, R)).isEqualTo(fenced);
    List<PointRange> back = RangeRules.ownedAfter(fenced, Operation.Adopt, R);
    assertThat(back).containsExactly(new PointRange(0, 200));
    assertThat(RangeRules.ownedAfter(back, Operation.Adopt, R)).isEqualTo(back);
    assertThat(RangeRules.ownedAfter(fenced, Operation.Purge, R)).isEqualTo(fenced);
  }

  @Test
  void purgeIsRefusedWhileAnyPointOfTheRangeIsOwned() {
    assertThat(RangeRules.purgeRefusal(List.of(new PointRange(0, 101)), R)).contains("fence it");
    assertThat(RangeRules.purgeRefusal(List.of(new PointRange(0, 100)), R)).isNull();
    assertThat(RangeRules.purgeRefusal(List.of(), R)).isNull();
  }

  @Test
  void theRangeTravelsInTheEntry() {
    LogEntry e = new LogEntry(7, 2, Operation.Fence, RangeRules.payload(R, "m1"), null, null);
    assertThat(RangeRules.rangeOf(e)).isEqualTo(R);
    assertThat(e.rows().get(0)).containsEntry("moveId", "m1");
  }

  @Test
  void theImportSeesOnlyTheRangeAndConsecutiveLsns() {
    List<LogEntry> log =
        List.of(
            new LogEntry(
                1,
                1,
                Operation.Write,
                List.of(Map.of("k", 120), Map.of("k", 99), Map.of("k", "149")),
                null,
                "w1"),
            new LogEntry(2, 1, Operation.Update, List.of(Map.of("v", 1)), 10L, "u1"),
            new LogEntry(3, 1, Operation.Delete, null, 140L, "d1"),
            new LogEntry(4, 1, Operation.Fence, RangeRules.payload(R, "m"), null, null),
            new LogEntry(5, 1, Operation.Write, List.of(Map.of("k", 5)), null, "w2"));
    List<LogEntry> out = RangeRules.filterToRange(log, Sharding.Range, R, "k");
    assertThat(out).extracting(LogEntry::lsn).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(out)
        .extracting(LogEntry::op)
        .containsExactly(
            Operation.Write, Operation.Noop, Operation.Delete, Operation.Noop, Operation.Noop);
    assertThat(out.get(0).rows()).containsExactly(Map.of("k", 120), Map.of("k", "149"));
    assertThat(out.get(0).requestId()).isEqualTo("w1");
    assertThat(out.get(1).requestId()).isNull();
  }

  @Test
  void underHashTheFilterUsesEachKeysHash() {
    PointRange lowerHalf = new PointRange(0, Sharding.HASH_SPACE / 2);
    long in = 0;
    while (!lowerHalf.contains(Sharding.hash(in))) {
      in++;
    }
    long out = 0;
    while (lowerHalf.contains(Sharding.hash(out))) {
      out++;
    }
    List<LogEntry> log =
        List.of(
            new LogEntry(
                1, 1, Operation.Write, List.of(Map.of("k", in), Map.of("k", out)), null, null),
            new LogEntry(2, 1, Operation.Delete, null, out, null));
    List<LogEntry> f = RangeRules.filterToRange(log, Sharding.Hash, lowerHalf, "k");
    assertThat(f.get(0).rows()).containsExactly(Map.of("k", in));
    assertThat(f.get(1).op()).isEqualTo(Operation.Noop);
  }

  @Test
  void theImportReadsOnlyFromTheUnfencedPrimaryOfTheHighestEpoch() {
    SourceReplica oldPrimary = new SourceReplica("a", "a", Role.Primary, 3, ReplicaState.Ready);
    SourceReplica fencedAt4 = new SourceReplica("b", "b", Role.None, 4, ReplicaState.Fenced);
    SourceReplica newPrimary = new SourceReplica("c", "c", Role.Primary, 4, ReplicaState.Ready);
    SourceReplica secondary = new SourceReplica("b", "b", Role.Secondary, 3, ReplicaState.Ready);

    assertThat(ImportRules.sourcePrimary(List.of(oldPrimary, secondary))).contains(oldPrimary);
    // A replica has seen epoch 4: the epoch-3 primary may be stale, so nobody is read.
    assertThat(ImportRules.sourcePrimary(List.of(oldPrimary, fencedAt4))).isEmpty();
    assertThat(ImportRules.sourcePrimary(List.of(oldPrimary, fencedAt4, newPrimary)))
        .contains(newPrimary);
    assertThat(ImportRules.sourcePrimary(List.of())).isEmpty();
  }
}
