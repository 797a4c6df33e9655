package io.shardeddb.protocol.shard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A stored row's global timestamp: the one of the log entry that last wrote it (DESIGN §11,
 * docs/timestamps.md, "Rows"). Where a row travels with it — a shard-server's {@code /read} reply
 * when asked ({@link #READ_FIELD}), a snapshot's rows (a re-copy, a move's export, a base backup),
 * and the rows of an import's entries (which keep the source's) — it is the value under {@link
 * #FIELD}, a name no column can have (column names are identifiers), as {@link TxnStep#OP} is. The
 * user's schema never names it.
 */
public final class RowTimestamps {
  private RowTimestamps() {}

  /** The key a row's global timestamp travels under. */
  public static final String FIELD = "@ts";

  /** The {@code /read} request field asking for each row's {@link #FIELD} ({@code true}). */
  public static final String READ_FIELD = "timestamps";

  /** The timestamp {@code row} carries, or {@code otherwise} when it carries none. */
  public static long of(Map<String, ?> row, long otherwise) {
    Object v = row == null ? null : row.get(FIELD);
    return v instanceof Number n ? n.longValue() : otherwise;
  }

  /** Whether {@code row} carries a timestamp. */
  public static boolean carries(Map<String, ?> row) {
    return row != null && row.containsKey(FIELD);
  }

  /** {@code row} without its timestamp ({@code row} itself when it carries none). */
  public static Map<String, Object> without(Map<String, Object> row) {
    if (!carries(row)) {
      return row;
    }
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.remove(FIELD);
    return out;
  }

  /** {@code row} with the timestamp {@code ts} (a copy, the columns first). */
  public static Map<String, Object> with(Map<String, Object> row, long ts) {
    Map<String, Object> out = new LinkedHashMap<>(without(row));
    out.put(FIELD, ts);
    return out;
  }

  /**
   * {@code f} of {@code row} without its timestamp, with the timestamp put back when it had one:
   * what coercing and completing a row (which know only the schema's columns) do to a row that
   * travels with its timestamp.
   */
  public static Map<String, Object> keeping(
      Map<String, Object> row, UnaryOperator<Map<String, Object>> f) {
    if (!carries(row)) {
      return f.apply(row);
    }
    return with(f.apply(without(row)), of(row, 0));
  }
}
