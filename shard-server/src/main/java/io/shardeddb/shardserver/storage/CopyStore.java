package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.util.List;
import java.util.Map;

/**
 * Copies in and out: a re-copy's steps (rule 7: Copying persisted before anything is deleted, then
 * the snapshot's rows and request outcomes loaded, then its base recorded) and the consistent
 * snapshot others copy from.
 */
final class CopyStore {
  private final StoreTransactions transactions;
  private final ConnectionPool pool;
  private final ShardMetaRepository meta;
  private final ReplicationLog log;

  CopyStore(
      StoreTransactions transactions,
      ConnectionPool pool,
      ShardMetaRepository meta,
      ReplicationLog log) {
    this.transactions = transactions;
    this.pool = pool;
    this.meta = meta;
    this.log = log;
  }

  /**
   * Starts a re-copy (rule 7): first persists Copying with the applied position reset, so that a
   * crash or failure from here on restarts as Copying at LSN 0 rather than at a position whose rows
   * are gone; only then empties the table, the log and the request ids.
   */
  void begin(UserTable table) {
    transactions.write(
        c -> {
          meta.saveCopyBegun();
          return null;
        });
    transactions.write(
        c -> {
          table.truncate(c);
          log.clear();
          RequestOutcomes.deleteAll(c);
          return null;
        });
  }

  /** Loads one chunk of snapshot rows. */
  void loadChunk(UserTable table, List<Map<String, Object>> rows) {
    transactions.write(
        c -> {
          table.insert(c, rows);
          return null;
        });
  }

  /** Loads request outcomes shipped in a snapshot. */
  void loadOutcomes(List<RequestOutcome> outcomes) {
    transactions.write(
        c -> {
          RequestOutcomes.save(c, outcomes);
          return null;
        });
  }

  /** Ends a re-copy: the rows are those of {@code lsn}, and the log continues after it. */
  void finish(long lsn, long epoch, long commitMillis, long timestamp) {
    transactions.write(
        c -> {
          meta.saveSnapshotBase(lsn, epoch, commitMillis, timestamp);
          return null;
        });
  }

  /**
   * Opens a consistent snapshot on its own connection (see {@link Snapshot#open}): every row, or
   * only those whose point under {@code sharding} lies in {@code range} when it is set.
   */
  Snapshot openSnapshot(UserTable table, Sharding sharding, PointRange range) {
    return Snapshot.open(pool, table, sharding, range);
  }
}
