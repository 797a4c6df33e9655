package io.shardeddb.protocol.shard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table a travelling row is of, when it is not the database's first (issue 46,
 * docs/log-format.md, "Tables"): in a snapshot's rows (a re-copy, a move's export, a base backup)
 * rows of every table follow one another, and a row of another table carries its table's name under
 * {@link #FIELD} — a name no column can have (column names are identifiers), as {@link
 * RowTimestamps#FIELD}. A row without it is of the first table, so a snapshot of a database of one
 * table reads as it always did.
 */
public final class RowTables {
  private RowTables() {}

  /** The key a row's table travels under. */
  public static final String FIELD = "@table";

  /** The table {@code row} names, or null (the database's first table). */
  public static String of(Map<String, ?> row) {
    Object v = row == null ? null : row.get(FIELD);
    return v == null ? null : v.toString();
  }

  /** {@code row} without its table ({@code row} itself when it names none). */
  public static Map<String, Object> without(Map<String, Object> row) {
    if (row == null || !row.containsKey(FIELD)) {
      return row;
    }
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.remove(FIELD);
    return out;
  }

  /** {@code row} naming table {@code table} (a copy; {@code row} itself for null). */
  public static Map<String, Object> with(Map<String, Object> row, String table) {
    if (table == null) {
      return row;
    }
    Map<String, Object> out = new LinkedHashMap<>(without(row));
    out.put(FIELD, table);
    return out;
  }
}
