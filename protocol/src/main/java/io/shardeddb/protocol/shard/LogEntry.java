package io.shardeddb.protocol.shard;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.schema.ShardKeys;
import java.util.List;
import java.util.Map;

/**
 * One replicated change: its position ({@code lsn}, one higher than the previous entry of the
 * shard), the epoch of the primary that wrote it, the operation, the rows or key it touches, the
 * client request id (so a retried request is recognised and not applied twice), and its commit time
 * ({@code commitMillis}: the primary's wall clock when it planned the group commit, never below the
 * entry before it; 0 for an entry written before entries carried one) and its global timestamp
 * ({@code timestamp}, DESIGN §11: from the oracle, never below the entry before it; 0 for an entry
 * written before entries carried one, {@code io.shardeddb.protocol.time.GlobalTimestamp}), and the
 * table its rows or key belong to ({@code table}: null for the database's first table — every entry
 * written before a database could have several — and for entries that touch no table's rows alone:
 * no-ops, range entries, the oracle's clock; a Schema entry names its table in its payload). The
 * entry's whole format, and how later fields (typed rows) join it: docs/log-format.md.
 */
@Serdeable
public record LogEntry(
    long lsn,
    long epoch,
    Operation op,
    List<Map<String, Object>> rows,
    Object key,
    String requestId,
    long commitMillis,
    long timestamp,
    @Nullable String table) {

  /**
   * The canonical form (the one the JSON codec reads); the key normalized ({@link
   * ShardKeys#normalize}: a Long, a String for a String shard key, or null).
   */
  @Creator
  public LogEntry {
    key = ShardKeys.normalize(key);
  }

  /** An entry of the database's first table ({@code table} null). */
  public LogEntry(
      long lsn,
      long epoch,
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      String requestId,
      long commitMillis,
      long timestamp) {
    this(lsn, epoch, op, rows, key, requestId, commitMillis, timestamp, null);
  }

  /** An entry without a global timestamp (0): older logs, tests of other fields. */
  public LogEntry(
      long lsn,
      long epoch,
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      String requestId,
      long commitMillis) {
    this(lsn, epoch, op, rows, key, requestId, commitMillis, 0);
  }

  /** An entry whose commit time is not known (0): older logs, tests of other fields. */
  public LogEntry(
      long lsn,
      long epoch,
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      String requestId) {
    this(lsn, epoch, op, rows, key, requestId, 0, 0);
  }

  /** A no-op entry at {@code (epoch, lsn)} committed at {@code commitMillis}. */
  public static LogEntry noop(long lsn, long epoch, long commitMillis) {
    return noop(lsn, epoch, commitMillis, 0);
  }

  /**
   * A no-op entry at {@code (epoch, lsn)} committed at {@code commitMillis} and {@code timestamp}.
   */
  public static LogEntry noop(long lsn, long epoch, long commitMillis, long timestamp) {
    return new LogEntry(
        lsn, epoch, Operation.Noop, null, null, null, commitMillis, timestamp, null);
  }

  /** This entry with other rows (an import keeps only the rows of its range). */
  public LogEntry withRows(List<Map<String, Object>> newRows) {
    return new LogEntry(lsn, epoch, op, newRows, key, requestId, commitMillis, timestamp, table);
  }

  /** This entry with global timestamp {@code ts}. */
  public LogEntry withTimestamp(long ts) {
    return new LogEntry(lsn, epoch, op, rows, key, requestId, commitMillis, ts, table);
  }

  /** This entry of table {@code name} (null: the database's first table). */
  public LogEntry withTable(String name) {
    return new LogEntry(lsn, epoch, op, rows, key, requestId, commitMillis, timestamp, name);
  }

  /** This entry as a no-op at the same position, commit time and timestamp (nothing of it kept). */
  public LogEntry asNoop() {
    return noop(lsn, epoch, commitMillis, timestamp);
  }
}
