package io.shardeddb.protocol.shard;

import io.micronaut.core.annotation.Creator;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * One replicated change: its position ({@code lsn}, one higher than the previous entry of the
 * shard), the epoch of the primary that wrote it, the operation, the rows or key it touches, the
 * client request id (so a retried request is recognised and not applied twice), and its commit time
 * ({@code commitMillis}: the primary's wall clock when it planned the group commit, never below the
 * entry before it; 0 for an entry written before entries carried one) and its global timestamp
 * ({@code timestamp}, DESIGN §11: from the oracle, never below the entry before it; 0 for an entry
 * written before entries carried one, {@code io.shardeddb.protocol.time.GlobalTimestamp}). The
 * entry's whole format, and how later fields (table, global timestamp, typed rows) join it:
 * docs/log-format.md.
 */
@Serdeable
public record LogEntry(
    long lsn,
    long epoch,
    Operation op,
    List<Map<String, Object>> rows,
    Long key,
    String requestId,
    long commitMillis,
    long timestamp) {

  /** The canonical form (the one the JSON codec reads). */
  @Creator
  public LogEntry {}

  /** An entry without a global timestamp (0): older logs, tests of other fields. */
  public LogEntry(
      long lsn,
      long epoch,
      Operation op,
      List<Map<String, Object>> rows,
      Long key,
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
      Long key,
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
    return new LogEntry(lsn, epoch, Operation.Noop, null, null, null, commitMillis, timestamp);
  }

  /** This entry with other rows (an import keeps only the rows of its range). */
  public LogEntry withRows(List<Map<String, Object>> newRows) {
    return new LogEntry(lsn, epoch, op, newRows, key, requestId, commitMillis, timestamp);
  }

  /** This entry with global timestamp {@code ts}. */
  public LogEntry withTimestamp(long ts) {
    return new LogEntry(lsn, epoch, op, rows, key, requestId, commitMillis, ts);
  }

  /** This entry as a no-op at the same position, commit time and timestamp (nothing of it kept). */
  public LogEntry asNoop() {
    return noop(lsn, epoch, commitMillis, timestamp);
  }
}
