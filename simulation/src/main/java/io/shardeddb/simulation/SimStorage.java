package io.shardeddb.simulation;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.List;
import java.util.Map;

/**
 * The simulated shard's table as the shard-server's write path sees it: a key column and a value
 * column, and a config that owns every key, so the production planner and {@code LogOps} run on it.
 * Every client change writes a value no other change writes: an insert of key {@code k} writes
 * {@link #insertValue}, its {@code n}-th update {@link #updateValue} (the {@link RegisterChecker}
 * tells from a value which change wrote it).
 */
final class SimStorage {
  static final String KEY = "k";
  static final String VALUE = "v";

  /**
   * The second table's key and value columns ({@code orders}, issue 46): named apart from the first
   * table's, so a path that reads a row of one table under the other's shard key finds no key (as
   * the move's hand-over of request outcomes once did, keying every entry by the first table's).
   */
  static final String ORDERS_KEY = "cust";

  static final String ORDERS_VALUE = "qty";

  /**
   * The String-keyed table's key and value columns ({@code accounts}, issue 46: a String primary
   * key, under Hash sharding only).
   */
  static final String ACCOUNTS_KEY = "username";

  static final String ACCOUNTS_VALUE = "balance";

  /**
   * The composite-keyed table's key columns ({@code lines}, issue 46: {@code PRIMARY KEY (order_id,
   * line_no)}, the shard key first, a Number and a String) and its value column.
   */
  static final String LINES_ORDER = "order_id";

  static final String LINES_NO = "line_no";

  static final String LINES_VALUE = "units";

  /** Updates a client sends of one key at most (keeps values apart). */
  static final int UPDATES_PER_KEY = 1_000;

  static final ShardConfig CONFIG =
      new ShardConfig(
          "sim",
          new TableSchema(
              "sim",
              KEY,
              List.of(new Column(KEY, ColumnType.Number), new Column(VALUE, ColumnType.Number))),
          null,
          null);

  private SimStorage() {}

  static long insertValue(long key) {
    return key * UPDATES_PER_KEY;
  }

  static long updateValue(long key, int n) {
    return key * UPDATES_PER_KEY + n;
  }

  /** The row an insert of {@code key} writes. */
  static Map<String, Object> row(long key) {
    return row(key, insertValue(key));
  }

  static Map<String, Object> row(long key, long value) {
    return Map.of(KEY, key, VALUE, value);
  }

  /**
   * A row of table {@code table} (null: the first; {@code accounts}: its columns, a String key;
   * {@code lines}: its columns, {@code key} the tuple (order_id, line_no); else {@code orders}'
   * columns).
   */
  static Map<String, Object> row(String table, Object key, long value) {
    if (table == null) {
      return row(((Number) key).longValue(), value);
    }
    if (table.equalsIgnoreCase("lines")) {
      List<?> tuple = (List<?>) key;
      return Map.of(LINES_ORDER, tuple.get(0), LINES_NO, tuple.get(1), LINES_VALUE, value);
    }
    return table.equalsIgnoreCase("accounts")
        ? Map.of(ACCOUNTS_KEY, key, ACCOUNTS_VALUE, value)
        : Map.of(ORDERS_KEY, key, ORDERS_VALUE, value);
  }

  /** The value column of table {@code table} (null: the first). */
  static String valueColumn(String table) {
    if (table == null) {
      return VALUE;
    }
    return switch (table.toLowerCase(java.util.Locale.ROOT)) {
      case "lines" -> LINES_VALUE;
      case "accounts" -> ACCOUNTS_VALUE;
      default -> ORDERS_VALUE;
    };
  }

  /** A Number-keyed row's key, whichever such simulated table it is of. */
  static long key(Map<String, Object> row) {
    return ((Number) keyValue(row)).longValue();
  }

  /**
   * A row's key value ({@code ShardKeys}: a Long, a String for {@code accounts}, the tuple
   * (order_id, line_no) for {@code lines}), whichever simulated table it is of.
   */
  static Object keyValue(Map<String, Object> row) {
    if (row.containsKey(LINES_ORDER)) {
      return ShardKeys.normalize(List.of(row.get(LINES_ORDER), row.get(LINES_NO)));
    }
    Object k =
        row.containsKey(KEY)
            ? row.get(KEY)
            : row.containsKey(ACCOUNTS_KEY) ? row.get(ACCOUNTS_KEY) : row.get(ORDERS_KEY);
    return ShardKeys.normalize(k);
  }

  /** A row's value, whichever simulated table it is of. */
  static long value(Map<String, Object> row) {
    Object v =
        row.containsKey(VALUE)
            ? row.get(VALUE)
            : row.containsKey(ACCOUNTS_VALUE)
                ? row.get(ACCOUNTS_VALUE)
                : row.containsKey(LINES_VALUE) ? row.get(LINES_VALUE) : row.get(ORDERS_VALUE);
    return ((Number) v).longValue();
  }

  /** Whether an update's values set the value column (of any simulated table). */
  static boolean setsValue(Map<String, Object> values) {
    return values.containsKey(VALUE)
        || values.containsKey(ORDERS_VALUE)
        || values.containsKey(ACCOUNTS_VALUE)
        || values.containsKey(LINES_VALUE);
  }
}
