package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.RowTables;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
          for (TableSchema other : othersStored(c)) {
            new UserTable(other).truncate(c);
          }
          log.clear();
          RequestOutcomes.deleteAll(c);
          return null;
        });
  }

  /**
   * Loads one chunk of snapshot rows: those naming no table into {@code table} (the database's
   * first), the others into the table they name ({@link RowTables}), which the stored config holds
   * (the snapshot's, adopted before the copy began).
   */
  void loadChunk(UserTable table, List<Map<String, Object>> rows) {
    transactions.write(
        c -> {
          Map<String, List<Map<String, Object>>> byTable = new LinkedHashMap<>();
          for (Map<String, Object> r : rows) {
            byTable
                .computeIfAbsent(RowTables.of(r), t -> new ArrayList<>())
                .add(RowTables.without(r));
          }
          List<TableSchema> others =
              byTable.size() > 1 || !byTable.containsKey(null) ? othersStored(c) : List.of();
          for (Map.Entry<String, List<Map<String, Object>>> e : byTable.entrySet()) {
            tableNamed(table, others, e.getKey()).insert(c, e.getValue());
          }
          return null;
        });
  }

  /** The table a snapshot row names: the first for null, else the other table of that name. */
  private static UserTable tableNamed(UserTable first, List<TableSchema> others, String name) {
    if (name == null) {
      return first;
    }
    for (TableSchema t : others) {
      if (t.table().equalsIgnoreCase(name)) {
        return new UserTable(t);
      }
    }
    throw new StorageException(
        "a snapshot row of table " + name + " that the adopted config does not hold", null);
  }

  /** The other tables of the config stored on {@code c} (none before a config). */
  private static List<TableSchema> othersStored(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT config_json FROM shard_meta WHERE id = 1")) {
      return rs.next() ? StoredTables.othersOf(rs.getString(1)) : List.of();
    }
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
