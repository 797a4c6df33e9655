package io.shardeddb.simulation;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.List;
import java.util.Map;

/**
 * The simulated shard's table as the shard-server's write path sees it: one key column, a config
 * that owns every key, and the mapping between the simulator's compact log entries and the
 * shard-server's {@link LogEntry}, so the production planner and {@code LogOps} run on it.
 */
final class SimStorage {
  static final String KEY = "k";

  static final ShardConfig CONFIG =
      new ShardConfig(
          "sim",
          new TableSchema("sim", KEY, List.of(new Column(KEY, ColumnType.Number))),
          null,
          null);

  private SimStorage() {}

  /** The row of {@code key}. */
  static Map<String, Object> row(long key) {
    return Map.of(KEY, key);
  }

  static long key(Map<String, Object> row) {
    return ((Number) row.get(KEY)).longValue();
  }

  /** The shard-server's form of a simulated entry (a write of one row, or the term's no-op). */
  static LogEntry toLogEntry(Messages.Entry e) {
    return e.noop()
        ? new LogEntry(e.lsn(), e.epoch(), Operation.Noop, null, null, null)
        : new LogEntry(e.lsn(), e.epoch(), Operation.Write, List.of(row(e.key())), null, e.rid());
  }

  /** The simulator's form of an entry the planner appended (writes of one row and no-ops only). */
  static Messages.Entry toEntry(LogEntry e) {
    return switch (e.op()) {
      case Noop -> new Messages.Entry(e.lsn(), e.epoch(), -1, null);
      case Write -> new Messages.Entry(e.lsn(), e.epoch(), key(e.rows().get(0)), e.requestId());
      default -> throw new IllegalStateException("the simulated shard never logs " + e.op());
    };
  }
}
