package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.LogOps;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The end of a write's transaction in one round trip ({@link FoldedStatements}): the last rows, the
 * request outcomes (rule 8), the config, the log entries and, last, the applied position — for a
 * primary the conditional update that re-checks its persisted epoch and role (rule 6), for a
 * secondary's replay a plain one. Rows, log and metadata change together, so an entry is in the log
 * exactly when its change is in the table.
 */
final class FoldedCommit {
  private final StoreTransactions transactions;
  private final ReplicationLog log;

  FoldedCommit(StoreTransactions transactions, ReplicationLog log) {
    this.transactions = transactions;
    this.log = log;
  }

  /**
   * Ends the primary's group-commit transaction's work in one round trip: inserts {@code inserts},
   * records {@code outcomes} (rule 8, in the write's transaction), persists {@code configJson} when
   * a range entry changed it (null: unchanged), appends {@code entries}, and, last, moves the
   * applied position only if the persisted epoch and role are still {@code epoch} and Primary (rule
   * 6: a conditional update of the meta row in this same transaction). {@code lsn}/{@code
   * entryEpoch} are the current position when there are no entries.
   *
   * @return false when that update matched no row (fenced or demoted meanwhile): the caller must
   *     roll back, and the commit never happens
   */
  boolean commitAsPrimary(
      Connection c,
      UserTable table,
      List<Map<String, Object>> inserts,
      List<RequestOutcome> outcomes,
      String configJson,
      List<LogEntry> entries,
      long epoch,
      long lsn,
      long entryEpoch)
      throws SQLException {
    return commitFolded(
        c,
        table,
        new StorageOpRunner.Trailing(inserts, null, false, table),
        outcomes,
        configJson,
        entries,
        epoch,
        lsn,
        entryEpoch);
  }

  /**
   * Commits a primary's {@link BatchPlan} inside the group-commit transaction: its storage
   * operations in order (consecutive inserts gathered; the last ones go out with the rest), then,
   * in one round trip, the request outcomes, the config ({@code configJson}, null when unchanged),
   * the log entries and, last, the conditional meta update (rule 6), as {@link #commitAsPrimary}. A
   * batch of inserts costs the same round trips as before the plan existed: the lookup, one folded
   * write, COMMIT.
   *
   * @return the rows each operation removed (by index in the plan's ops; a purge's count), or null
   *     when the epoch re-check matched no row: the caller must roll back
   */
  long[] commitPlan(
      Connection c, UserTable table, BatchPlan plan, String configJson, long epoch, long prevLsn)
      throws SQLException {
    long[] removed = new long[plan.ops().size()];
    StorageOpRunner.Trailing last = StorageOpRunner.run(c, table, plan.ops(), removed);
    boolean committed =
        commitFolded(
            c, last.table(), last, plan.records(), configJson, plan.entries(), epoch, prevLsn, 0);
    return committed ? removed : null;
  }

  private boolean commitFolded(
      Connection c,
      UserTable table,
      StorageOpRunner.Trailing rows,
      List<RequestOutcome> outcomes,
      String configJson,
      List<LogEntry> entries,
      long epoch,
      long lsn,
      long entryEpoch)
      throws SQLException {
    FoldedStatements folded = new FoldedStatements(c);
    table.addWrites(folded, rows.rows(), rows.timestamps(), rows.upsert());
    RequestOutcomes.addSave(folded, outcomes);
    if (configJson != null) {
      ShardMetaStore.addSaveConfig(folded, configJson);
    }
    log.addAppend(folded, entries);
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      lsn = last.lsn();
      entryEpoch = last.epoch();
    }
    if (entries.isEmpty()) {
      // Nothing appended: the position stays as storage has it (rule 15: never rewritten from
      // memory, which may lag an entry whose commit reply was lost); only the re-check remains.
      ShardMetaStore.addPrimaryRecheck(folded, epoch);
    } else {
      ShardMetaStore.addPrimaryPosition(folded, lsn, entryEpoch, epoch);
    }
    // The re-check is the last statement: its count decides (rule 6).
    List<Long> counts = folded.execute();
    return counts.get(counts.size() - 1) == 1;
  }

  /**
   * Applies replicated entries (consecutive, starting right after the applied LSN) to the table and
   * the log in one transaction. Replaying is idempotent: inserts replace, updates and deletes of
   * missing rows do nothing. Range entries change what the shard owns (persisted with the config in
   * the same transaction) or purge rows; returns the config as of the last entry. A Schema entry
   * comes only first ({@link LogOps#inOneTransaction}: MySQL commits what came before a DDL).
   */
  ShardConfig applyReplicated(
      UserTable table,
      List<LogEntry> entries,
      ShardConfig config,
      Function<ShardConfig, String> encode) {
    return transactions.write(
        c -> {
          // What each entry does is LogOps' one definition; consecutive writes (upserts) go out
          // as one statement, the last ones with the rest.
          LogOps.Replay replay = LogOps.replayAll(entries, config);
          ShardConfig now = replay.config();
          StorageOpRunner.Trailing tail =
              StorageOpRunner.run(c, table, replay.ops(), new long[replay.ops().size()]);
          // The last rows, the outcomes, the config, the log and the position: one round trip.
          FoldedStatements folded = new FoldedStatements(c);
          tail.table().addWrites(folded, tail.rows(), tail.timestamps(), tail.upsert());
          RequestOutcomes.addSave(folded, replay.outcomes());
          if (now != config) {
            ShardMetaStore.addSaveConfig(folded, encode.apply(now));
          }
          log.addAppend(folded, entries);
          if (!entries.isEmpty()) {
            LogEntry last = entries.get(entries.size() - 1);
            ShardMetaStore.addAppliedPosition(folded, last.lsn(), last.epoch());
          }
          folded.execute();
          return now;
        });
  }
}
