package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.TxnStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One session's open transaction (docs/sql.md, "Transactions"): the changes its statements made so
 * far, in order, as the steps the shard commits as one log entry at {@code COMMIT}, and the rows
 * they leave, so the transaction's own statements see them (a SELECT, UPDATE or DELETE inside it
 * reads the primaries and then this {@link #overlay}). Its changes are on one shard — the first
 * change's; a statement that would change another is refused whole ({@link #add}). They may be of
 * several tables (issue 46): every table shares the shard layout, so rows of different tables with
 * one key are on one shard; each step names its table ({@link TxnStep#table}, null for the first)
 * and what the transaction holds is kept per table. Pure: no I/O, one session's thread at a time.
 */
public final class SqlTransaction {
  /** The most changes one transaction holds (the shard-server's limit for one {@code /txn}). */
  public static final int MAX_STEPS = 10_000;

  private final List<TxnStep> steps = new ArrayList<>();

  /** Per table ({@link #tableKey}), the rows it changed. */
  private final Map<String, Changed> tables = new HashMap<>();

  /** One table's rows this transaction changed. */
  private static final class Changed {
    /** The rows it wrote or updated, by key value, as they are after its changes, in key order. */
    final Map<Object, Map<String, Object>> written = new TreeMap<>(ShardKeys.ORDER);

    /** The keys it deleted (and did not write again). */
    final Set<Object> deleted = new HashSet<>();
  }

  private String shard;

  /** Whether it has no change yet (a COMMIT then writes nothing). */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The shard its changes are on (null while it has none). */
  public String shard() {
    return shard;
  }

  /** Its changes, in order. */
  public List<TxnStep> steps() {
    return List.copyOf(steps);
  }

  /**
   * Whether {@code key} has a row in {@code table} (null: the first table) as far as this
   * transaction knows: TRUE written by it, FALSE deleted by it, null not changed by it (the shard's
   * row, if any, stands).
   */
  public Boolean holds(String table, Object key) {
    key = ShardKeys.normalize(key);
    Changed c = tables.get(tableKey(table));
    if (c == null) {
      return null;
    }
    if (c.written.containsKey(key)) {
      return Boolean.TRUE;
    }
    return c.deleted.contains(key) ? Boolean.FALSE : null;
  }

  /** {@link #holds(String, Object)} of the database's first table. */
  public Boolean holds(Object key) {
    return holds(null, key);
  }

  /** How a table is named among {@link #tables}: its name ignoring case, "" for the first. */
  private static String tableKey(String table) {
    return table == null ? "" : table.toLowerCase(Locale.ROOT);
  }

  /**
   * Adds one statement's changes, all on {@code onShard} and of one table (its steps'), with {@code
   * after}: the whole row each written or updated key has after them (deleted keys absent), {@code
   * schema} their table (whose key values they are). A statement whose changes are on another shard
   * than the transaction's, or that would take it past {@link #MAX_STEPS}, is refused with nothing
   * added (400 naming the limit).
   */
  public void add(
      String onShard,
      List<TxnStep> statement,
      Map<Object, Map<String, Object>> after,
      TableSchema schema) {
    if (statement.isEmpty()) {
      return;
    }
    if (shard != null && !shard.equals(onShard)) {
      throw new InvalidRequestException(
          "a transaction changes one shard: this statement changes shard "
              + onShard
              + " and the transaction's changes so far are on shard "
              + shard
              + "; transactions across shards are not supported (COMMIT first; docs/sql.md,"
              + " \"Transactions\")");
    }
    if (steps.size() + statement.size() > MAX_STEPS) {
      throw new InvalidRequestException(
          "a transaction holds at most "
              + MAX_STEPS
              + " changes; this statement would make it "
              + (steps.size() + statement.size())
              + " (not supported: COMMIT in smaller transactions)");
    }
    shard = onShard;
    steps.addAll(statement);
    for (TxnStep s : statement) {
      Changed c = tables.computeIfAbsent(tableKey(s.table()), t -> new Changed());
      Object key = s.keyIn(schema);
      if (s.op() == Operation.Delete) {
        c.written.remove(key);
        c.deleted.add(key);
      } else {
        c.deleted.remove(key);
        c.written.put(key, after.get(key));
      }
    }
  }

  /**
   * {@code read} — the primaries' rows of {@code table} (null: the first) in {@code keys} that
   * match {@code where} — as this transaction sees them: a row it deleted is gone, a row it wrote
   * or updated is its version (kept only if that matches {@code where}), in key order.
   */
  public List<Map<String, Object>> overlay(
      String table,
      List<Map<String, Object>> read,
      KeyRanges keys,
      Predicate where,
      java.util.function.Function<Map<String, Object>, Object> keyOf) {
    Changed c = tables.getOrDefault(tableKey(table), new Changed());
    Map<Object, Map<String, Object>> written = c.written;
    Set<Object> deleted = c.deleted;
    Map<Object, Map<String, Object>> out = new TreeMap<>(ShardKeys.ORDER);
    List<Map<String, Object>> unkeyed = new ArrayList<>();
    for (Map<String, Object> r : read) {
      Object key = keyOf.apply(r);
      if (key == null) {
        unkeyed.add(r);
        continue;
      }
      if (!written.containsKey(key) && !deleted.contains(key)) {
        out.put(key, r);
      }
    }
    written.forEach(
        (key, row) -> {
          if (contains(keys, key) && where.matches(row)) {
            out.put(key, row);
          }
        });
    List<Map<String, Object>> rows = new ArrayList<>(out.values());
    rows.addAll(unkeyed);
    return rows;
  }

  /**
   * The row {@code row} becomes with {@code assignments} set (a new map; {@code row} unchanged).
   */
  public static Map<String, Object> updated(
      Map<String, Object> row, Map<String, Object> assignments) {
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.putAll(assignments);
    // Not yet written: its timestamp is given at commit (the one read is the previous write's).
    out.remove(io.shardeddb.protocol.shard.RowTimestamps.FIELD);
    return out;
  }

  /**
   * Whether {@code keys} holds {@code key}: a String key's table is always read whole (its keys lie
   * by hash), so only every key holds it.
   */
  private static boolean contains(KeyRanges keys, Object key) {
    // A composite key lies where its shard key (its first value) does.
    if (!(ShardKeys.shardKeyOf(key) instanceof Long number)) {
      return keys.isAll();
    }
    return contains(keys, number.longValue());
  }

  private static boolean contains(KeyRanges keys, long key) {
    for (KeyRange r : keys.ranges()) {
      if (r.low() <= key && key <= r.high()) {
        return true;
      }
    }
    return false;
  }
}
