package io.shardeddb.shardserver.replication.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The primary's group commit as a pure plan: what each change gets, in batch order. */
class BatchPlannerTest {
  private static final ShardConfig OWNS_0_TO_100 =
      new ShardConfig(
              "sh1",
              new TableSchema("t", "k", List.of(new Column("k", ColumnType.Number))),
              0L,
              100L)
          .withOwned(List.of(new PointRange(0, 100)));

  private static Map<String, Object> row(long k) {
    return Map.of("k", k);
  }

  /** The commit time the primary stamps on the batch (DESIGN §9). */
  private static final long COMMIT_MILLIS = 1_767_225_600_123L;

  private static BatchPlan plan(
      boolean needNoop,
      Map<String, RequestOutcome> outcomes,
      Set<Long> present,
      ClientChange... changes) {
    return BatchPlanner.plan(
        new BatchPlanner.Batch(
            new ArrayList<>(Arrays.asList(changes)),
            3,
            needNoop,
            10,
            COMMIT_MILLIS,
            OWNS_0_TO_100,
            outcomes,
            firstTable(present),
            r -> r));
  }

  /** Keys of rows of the database's first table. */
  private static Set<BatchPlanner.RowKey> firstTable(Set<Long> keys) {
    return keys.stream()
        .map(BatchPlanner.RowKey::first)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void theTermsNoopComesFirstAndEachNewChangeGetsTheNextLsn() {
    BatchPlan p =
        plan(
            true,
            Map.of(),
            Set.of(),
            ClientChange.write(List.of(row(1)), "a"),
            null,
            ClientChange.write(List.of(row(2), row(3)), null));
    assertThat(p.entries()).extracting(LogEntry::lsn).containsExactly(11L, 12L, 13L);
    assertThat(p.entries())
        .extracting(LogEntry::op)
        .containsExactly(Operation.Noop, Operation.Write, Operation.Write);
    assertThat(p.entries()).extracting(LogEntry::epoch).containsOnly(3L);
    assertThat(p.entries()).extracting(LogEntry::commitMillis).containsOnly(COMMIT_MILLIS);
    assertThat(p.outcomes())
        .containsExactly(
            new BatchPlan.Applied(12), new BatchPlan.Wakeup(), new BatchPlan.Applied(13));
    assertThat(p.records())
        .containsExactly(new RequestOutcome("a", 12, RequestOutcome.APPLIED, null));
    assertThat(unstamped(p.ops()))
        .containsExactly(
            new StorageOp.Insert(List.of(row(1))), new StorageOp.Insert(List.of(row(2), row(3))));
    assertThat(p.configChanged()).isFalse();
    // Every row an entry writes is stored with the entry's global timestamp.
    long first = p.entries().get(1).timestamp();
    long second = p.entries().get(2).timestamp();
    assertThat(second).isGreaterThan(first);
    assertThat(p.ops())
        .containsExactly(
            new StorageOp.Insert(List.of(row(1)), first),
            new StorageOp.Insert(List.of(row(2), row(3)), second));
  }

  @Test
  void anImportedRowKeepsItsSourcesTimestampAndAReplayTheEntrys() {
    Map<String, Object> stamped = new java.util.LinkedHashMap<>(row(1));
    stamped.put(io.shardeddb.protocol.shard.RowTimestamps.FIELD, 42L);
    BatchPlan p =
        plan(
            false,
            Map.of(),
            Set.of(),
            ClientChange.imported(Operation.Write, List.of(stamped, row(2)), null, null));
    long entry = p.entries().get(0).timestamp();
    assertThat(p.ops())
        .containsExactly(new StorageOp.Upsert(List.of(row(1), row(2)), List.of(42L, entry)));
    // The entry carries the row's own timestamp, so every copy that replays it stores the same.
    assertThat(LogOps.replay(p.entries().get(0), OWNS_0_TO_100).ops())
        .containsExactly(new StorageOp.Upsert(List.of(row(1), row(2)), List.of(42L, entry)));
  }

  /** {@code ops} with their timestamps cleared, for tests of what they do to the rows. */
  private static List<StorageOp> unstamped(List<StorageOp> ops) {
    return ops.stream()
        .map(
            op ->
                switch (op) {
                  case StorageOp.Insert in -> new StorageOp.Insert(in.rows());
                  case StorageOp.Upsert up -> new StorageOp.Upsert(up.rows());
                  case StorageOp.Update u -> new StorageOp.Update(u.key(), u.values());
                  default -> op;
                })
        .toList();
  }

  @Test
  void everyEntryTakesItsFetchedSlotOrABumpAboveTheOneBefore() {
    long last = io.shardeddb.protocol.time.GlobalTimestamp.of(COMMIT_MILLIS, 5);
    long slot9 = io.shardeddb.protocol.time.GlobalTimestamp.of(COMMIT_MILLIS, 9);
    long slot7 = io.shardeddb.protocol.time.GlobalTimestamp.of(COMMIT_MILLIS, 7);
    BatchPlan p =
        BatchPlanner.plan(
            new BatchPlanner.Batch(
                List.of(
                    ClientChange.write(List.of(row(1)), "a").withTimestamp(slot9),
                    // Fetched before slot 9 by another router, arriving after it: bumped.
                    ClientChange.write(List.of(row(2)), "b").withTimestamp(slot7),
                    // Refused (held key): takes nothing.
                    ClientChange.write(List.of(row(3)), "c").withTimestamp(slot9 + 4096),
                    // An older router's write (no timestamp): bumped.
                    ClientChange.delete(4, "d")),
                3,
                true,
                10,
                COMMIT_MILLIS,
                OWNS_0_TO_100,
                Map.of(),
                firstTable(Set.of(3L, 4L)),
                r -> r,
                last));
    assertThat(p.entries())
        .extracting(LogEntry::op)
        .containsExactly(Operation.Noop, Operation.Write, Operation.Write, Operation.Delete);
    assertThat(p.entries())
        .extracting(LogEntry::timestamp)
        .containsExactly(last + 1, slot9, slot9 + 1, slot9 + 2);
  }

  @Test
  void aRetryGetsTheRecordedOutcomeAndAppendsNothing_alsoWithinOneBatch() {
    RequestOutcome earlier = new RequestOutcome("a", 5, RequestOutcome.APPLIED, null);
    BatchPlan p =
        plan(
            false,
            Map.of("a", earlier),
            Set.of(1L),
            ClientChange.write(List.of(row(1)), "a"),
            ClientChange.write(List.of(row(2)), "b"),
            ClientChange.write(List.of(row(2)), "b"));
    assertThat(p.outcomes())
        .containsExactly(
            new BatchPlan.Earlier(earlier),
            new BatchPlan.Applied(11),
            new BatchPlan.Earlier(new RequestOutcome("b", 11, RequestOutcome.APPLIED, null)));
    assertThat(p.entries()).hasSize(1);
  }

  @Test
  void existenceDecides409And404_andIsTrackedThroughTheBatch() {
    BatchPlan p =
        plan(
            false,
            Map.of(),
            Set.of(1L),
            ClientChange.write(List.of(row(1)), "dup"),
            ClientChange.update(2, row(2), "missing"),
            ClientChange.delete(1, null),
            ClientChange.write(List.of(row(1)), null),
            ClientChange.update(1, Map.of(), null));
    assertThat(((BatchPlan.Refused) p.outcomes().get(0)).error())
        .isInstanceOfSatisfying(ShardException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(((BatchPlan.Refused) p.outcomes().get(1)).error())
        .isInstanceOfSatisfying(ShardException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(p.outcomes().subList(2, 5))
        .containsExactly(
            new BatchPlan.Applied(11), new BatchPlan.Applied(12), new BatchPlan.Applied(13));
    // Refusals with a request id are recorded at the position they were decided (rule 8).
    assertThat(p.records()).extracting(RequestOutcome::status).containsExactly(409, 404);
    assertThat(unstamped(p.ops()))
        .containsExactly(
            new StorageOp.Delete(1),
            new StorageOp.Insert(List.of(row(1))),
            new StorageOp.Update(1, Map.of()));
  }

  @Test
  void aFenceChangesOwnershipForTheRestOfTheBatch_andAPurgeFreesItsKeys() {
    PointRange upper = new PointRange(50, 50);
    BatchPlan p =
        plan(
            false,
            Map.of(),
            Set.of(60L),
            ClientChange.range(Operation.Fence, upper, "m1"),
            ClientChange.write(List.of(row(70)), "late"),
            ClientChange.range(Operation.Purge, upper, "m1"));
    assertThat(p.outcomes().get(0))
        .isEqualTo(new BatchPlan.Ranged(11, List.of(new PointRange(0, 50)), -1));
    assertThat(((BatchPlan.Refused) p.outcomes().get(1)).error())
        .isInstanceOfSatisfying(ShardException.class, e -> assertThat(e.status()).isEqualTo(421));
    // A 421 is not recorded: the retry goes to the new owner.
    assertThat(p.records()).isEmpty();
    assertThat(p.outcomes().get(2))
        .isEqualTo(new BatchPlan.Ranged(12, List.of(new PointRange(0, 50)), 0));
    assertThat(unstamped(p.ops()))
        .containsExactly(new StorageOp.DeletePoints(OWNS_0_TO_100.pointsBy(), upper));
    assertThat(p.configChanged()).isTrue();
    assertThat(p.configAfter().ownedRanges()).containsExactly(new PointRange(0, 50));
  }

  @Test
  void anImportsChangesUpsertAndTolerateMissingRows_andAreNeverDeduplicated() {
    RequestOutcome earlier = new RequestOutcome("src", 5, RequestOutcome.APPLIED, null);
    BatchPlan p =
        plan(
            false,
            Map.of("src", earlier),
            Set.of(),
            ClientChange.imported(Operation.Write, List.of(row(1)), null, "src"),
            ClientChange.imported(Operation.Delete, null, 9L, null));
    assertThat(p.outcomes()).containsExactly(new BatchPlan.Applied(11), new BatchPlan.Applied(12));
    assertThat(unstamped(p.ops()))
        .containsExactly(new StorageOp.Upsert(List.of(row(1))), new StorageOp.Delete(9));
  }

  @Test
  void theLookupAsksForClientRequestIdsAndEveryRowKey() {
    BatchPlanner.Lookup l =
        BatchPlanner.lookupOf(
            Arrays.asList(
                ClientChange.write(List.of(row(1), row(2)), "a"),
                null,
                ClientChange.update(3, row(3), "b"),
                ClientChange.delete(4, null),
                ClientChange.imported(Operation.Write, List.of(row(5)), null, "src"),
                ClientChange.range(Operation.Fence, new PointRange(0, 1), "m")),
            OWNS_0_TO_100);
    assertThat(l.requestIds()).containsExactly("a", "b");
    assertThat(l.keys()).extracting(BatchPlanner.RowKey::key).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(l.keys()).extracting(BatchPlanner.RowKey::table).containsOnlyNulls();
  }

  @Test
  void aSecondarysReplayRecordsTheEntriesRequestIdsAndFollowsOwnership() {
    LogOps.Replay r =
        LogOps.replayAll(
            List.of(
                new LogEntry(1, 1, Operation.Write, List.of(Map.of("k", 7)), null, "r7"),
                new LogEntry(
                    2, 1, Operation.Fence, List.of(Map.of("low", 50, "size", 50)), null, null),
                new LogEntry(
                    3, 1, Operation.Purge, List.of(Map.of("low", 50, "size", 50)), null, null),
                new LogEntry(4, 1, Operation.Delete, null, 7L, "d7")),
            OWNS_0_TO_100);
    assertThat(unstamped(r.ops()))
        .containsExactly(
            new StorageOp.Upsert(List.of(Map.of("k", 7L))),
            new StorageOp.DeletePoints(OWNS_0_TO_100.pointsBy(), new PointRange(50, 50)),
            new StorageOp.Delete(7));
    assertThat(r.outcomes())
        .containsExactly(
            new RequestOutcome("r7", 1, RequestOutcome.APPLIED, null),
            new RequestOutcome("d7", 4, RequestOutcome.APPLIED, null));
    assertThat(r.config().ownedRanges()).containsExactly(new PointRange(0, 50));
  }

  @Test
  void aReplayedEntryUpsertsAndEachOperationHasOneDefinition() {
    LogEntry write = new LogEntry(1, 1, Operation.Write, List.of(Map.of("k", 7)), null, "r");
    assertThat(unstamped(LogOps.replay(write, OWNS_0_TO_100).ops()))
        .containsExactly(new StorageOp.Upsert(List.of(Map.of("k", 7L))));
    for (Operation op : Operation.values()) {
      LogEntry e =
          switch (op) {
            case Write -> write;
            case Update -> new LogEntry(2, 1, op, List.of(Map.of("k", 7)), 7L, null);
            case Delete -> new LogEntry(2, 1, op, null, 7L, null);
            case Noop -> new LogEntry(2, 1, op, null, null, null);
            case Fence, Adopt, Purge ->
                new LogEntry(2, 1, op, List.of(Map.of("low", 0, "size", 10)), null, null);
            case Schema ->
                new LogEntry(
                    2,
                    1,
                    op,
                    new io.shardeddb.protocol.shard.SchemaChange(2, OWNS_0_TO_100.schema())
                        .payload(),
                    null,
                    null);
            case Txn ->
                new LogEntry(
                    2,
                    1,
                    op,
                    io.shardeddb.protocol.shard.TxnStep.payload(
                        List.of(io.shardeddb.protocol.shard.TxnStep.delete(7))),
                    null,
                    null);
            case Clock -> new LogEntry(2, 1, op, List.of(Map.of("until", 9_000)), null, null);
          };
      assertThat(LogOps.replay(e, OWNS_0_TO_100)).as(op.name()).isNotNull();
    }
    // The oracle's window: kept in the config, only ever raised.
    ShardConfig windowed =
        LogOps.replay(
                new LogEntry(3, 1, Operation.Clock, List.of(Map.of("until", 9_000)), null, null),
                OWNS_0_TO_100)
            .config();
    assertThat(windowed.timestampWindowOrZero()).isEqualTo(9_000);
    assertThat(
            LogOps.replay(
                    new LogEntry(
                        4, 1, Operation.Clock, List.of(Map.of("until", 5_000)), null, null),
                    windowed)
                .config()
                .timestampWindowOrZero())
        .isEqualTo(9_000);
  }

  @Test
  void aTransactionIsOneEntryWhoseStepsSeeEachOtherAndItsStorageOpsRunInOrder() {
    BatchPlan p =
        plan(
            false,
            Map.of(),
            Set.of(5L),
            ClientChange.txn(
                List.of(
                    io.shardeddb.protocol.shard.TxnStep.delete(5),
                    io.shardeddb.protocol.shard.TxnStep.write(row(5)),
                    io.shardeddb.protocol.shard.TxnStep.write(row(6)),
                    io.shardeddb.protocol.shard.TxnStep.update(6, Map.of("k", 6L))),
                "t1"),
            // The batch after it sees the transaction's keys: 6 is held now.
            ClientChange.write(List.of(row(6)), "w"));
    assertThat(p.entries()).extracting(LogEntry::op).containsExactly(Operation.Txn);
    assertThat(p.entries().get(0).lsn()).isEqualTo(11L);
    assertThat(p.entries().get(0).rows()).hasSize(4);
    assertThat(p.outcomes().get(0)).isEqualTo(new BatchPlan.Applied(11));
    assertThat(((BatchPlan.Refused) p.outcomes().get(1)).error())
        .isInstanceOfSatisfying(ShardException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(unstamped(p.ops()))
        .containsExactly(
            new StorageOp.Delete(5),
            new StorageOp.Insert(List.of(row(5))),
            new StorageOp.Insert(List.of(row(6))),
            new StorageOp.Update(6, Map.of("k", 6L)));
    // A secondary's replay of the entry does the same, as upserts.
    assertThat(unstamped(LogOps.replay(p.entries().get(0), OWNS_0_TO_100).ops()))
        .containsExactly(
            new StorageOp.Delete(5),
            new StorageOp.Upsert(List.of(row(5))),
            new StorageOp.Upsert(List.of(row(6))),
            new StorageOp.Update(6, Map.of("k", 6L)));
  }

  @Test
  void aTransactionWithOneStepThatCannotApplyIsRefusedWholeAndPlansNothing() {
    BatchPlan p =
        plan(
            false,
            Map.of(),
            Set.of(1L),
            ClientChange.txn(
                List.of(
                    io.shardeddb.protocol.shard.TxnStep.write(row(2)),
                    io.shardeddb.protocol.shard.TxnStep.delete(3)),
                "t2"),
            ClientChange.txn(
                List.of(
                    io.shardeddb.protocol.shard.TxnStep.update(1, Map.of("k", 1L)),
                    io.shardeddb.protocol.shard.TxnStep.write(row(200))),
                "t3"),
            // 2 was never written: the refused transaction's insert left nothing behind.
            ClientChange.write(List.of(row(2)), "w"));
    assertThat(((BatchPlan.Refused) p.outcomes().get(0)).error())
        .isInstanceOfSatisfying(ShardException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(((BatchPlan.Refused) p.outcomes().get(1)).error())
        .isInstanceOfSatisfying(ShardException.class, e -> assertThat(e.status()).isEqualTo(421));
    assertThat(p.outcomes().get(2)).isEqualTo(new BatchPlan.Applied(11));
    assertThat(p.entries()).extracting(LogEntry::op).containsExactly(Operation.Write);
    assertThat(unstamped(p.ops())).containsExactly(new StorageOp.Insert(List.of(row(2))));
    // The refusal is recorded under the request id (a retry gets it, rule 8); 421 is not.
    assertThat(p.records()).extracting(RequestOutcome::requestId).containsExactly("t2", "w");
  }

  @Test
  void aMoveCopiesOnlyTheStepsOfATransactionInItsRange() {
    LogEntry txn =
        new LogEntry(
            7,
            2,
            Operation.Txn,
            io.shardeddb.protocol.shard.TxnStep.payload(
                List.of(
                    io.shardeddb.protocol.shard.TxnStep.write(row(10)),
                    io.shardeddb.protocol.shard.TxnStep.delete(60))),
            null,
            "t",
            COMMIT_MILLIS);
    List<LogEntry> in50 =
        io.shardeddb.shardserver.replication.rules.RangeRules.filterToRange(
            List.of(txn),
            io.shardeddb.protocol.topology.Sharding.Range,
            new PointRange(50, 50),
            "k");
    assertThat(io.shardeddb.protocol.shard.TxnStep.ofPayload(in50.get(0).rows()))
        .containsExactly(io.shardeddb.protocol.shard.TxnStep.delete(60));
    List<LogEntry> above =
        io.shardeddb.shardserver.replication.rules.RangeRules.filterToRange(
            List.of(txn),
            io.shardeddb.protocol.topology.Sharding.Range,
            new PointRange(100, 50),
            "k");
    assertThat(above.get(0).op()).isEqualTo(Operation.Noop);
  }

  @Test
  void aMoveCopiesTheStepsOfATransactionOverTwoTablesEachByItsOwnShardKey() {
    // orders is keyed by "cust": its step's key is read under that column, not the first table's.
    LogEntry txn =
        new LogEntry(
            8,
            2,
            Operation.Txn,
            io.shardeddb.protocol.shard.TxnStep.payload(
                List.of(
                    io.shardeddb.protocol.shard.TxnStep.write(row(10)),
                    io.shardeddb.protocol.shard.TxnStep.write(Map.of("cust", 60L, "item", "pen"))
                        .ofTable("orders"),
                    io.shardeddb.protocol.shard.TxnStep.delete(70).ofTable("gone"))),
            null,
            "t",
            COMMIT_MILLIS);
    List<LogEntry> in50 =
        io.shardeddb.shardserver.replication.rules.RangeRules.filterToRange(
            List.of(txn),
            io.shardeddb.protocol.topology.Sharding.Range,
            new PointRange(50, 50),
            t ->
                t == null
                    ? OWNS_0_TO_100.schema()
                    : t.equals("orders")
                        ? new TableSchema(
                            "orders",
                            "cust",
                            List.of(
                                new Column("cust", ColumnType.Number),
                                new Column("item", ColumnType.String)))
                        : null);
    // The orders step moves with its table; a step of a table the shard no longer has does not.
    assertThat(io.shardeddb.protocol.shard.TxnStep.ofPayload(in50.get(0).rows()))
        .containsExactly(
            io.shardeddb.protocol.shard.TxnStep.write(Map.of("cust", 60L, "item", "pen"))
                .ofTable("orders"));
  }

  @Test
  void changesCoercedBeforeAColumnWasDroppedArePlannedWithoutIt() {
    // OWNS_0_TO_100's schema has only k: a row, update and transaction step coerced when the table
    // also had x (dropped since) are planned without x, so storage never names it.
    Map<String, Object> old = new java.util.LinkedHashMap<>(Map.of("k", 1L, "x", "gone"));
    BatchPlan p =
        plan(
            false,
            Map.of(),
            Set.of(2L),
            ClientChange.write(List.of(old), null),
            ClientChange.update(2, Map.of("x", "gone"), null),
            ClientChange.txn(
                List.of(io.shardeddb.protocol.shard.TxnStep.write(Map.of("k", 3L, "x", "y"))),
                null));
    assertThat(p.entries().get(0).rows()).containsExactly(Map.of("k", 1L));
    assertThat(p.entries().get(1).rows()).containsExactly(Map.of());
    assertThat(io.shardeddb.protocol.shard.TxnStep.ofPayload(p.entries().get(2).rows()))
        .containsExactly(io.shardeddb.protocol.shard.TxnStep.write(Map.of("k", 3L)));
    assertThat(unstamped(p.ops()))
        .containsExactly(
            new StorageOp.Insert(List.of(Map.of("k", 1L))),
            new StorageOp.Update(2, Map.of()),
            new StorageOp.Insert(List.of(Map.of("k", 3L))));
  }
}
