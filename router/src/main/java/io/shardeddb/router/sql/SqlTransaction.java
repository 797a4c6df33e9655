package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.TxnStep;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One session's open transaction (docs/sql.md, "Transactions"): the changes its statements made so
 * far, in order, as the steps the shard commits as one log entry at {@code COMMIT}, and the rows
 * they leave, so the transaction's own statements see them (a SELECT, UPDATE or DELETE inside it
 * reads the primaries and then this {@link #overlay}). Its changes are on one shard — the first
 * change's; a statement that would change another is refused whole ({@link #add}). Pure: no I/O,
 * one session's thread at a time.
 */
public final class SqlTransaction {
  /** The most changes one transaction holds (the shard-server's limit for one {@code /txn}). */
  public static final int MAX_STEPS = 10_000;

  private final List<TxnStep> steps = new ArrayList<>();

  /** The rows this transaction wrote or updated, by key, as they are after its changes. */
  private final Map<Long, Map<String, Object>> written = new TreeMap<>();

  /** The keys this transaction deleted (and did not write again). */
  private final Set<Long> deleted = new HashSet<>();

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
   * Whether the key has a row as far as this transaction knows: TRUE written by it, FALSE deleted
   * by it, null not changed by it (the shard's row, if any, stands).
   */
  public Boolean holds(long key) {
    if (written.containsKey(key)) {
      return Boolean.TRUE;
    }
    return deleted.contains(key) ? Boolean.FALSE : null;
  }

  /**
   * Adds one statement's changes, all on {@code onShard}, with {@code after}: the whole row each
   * written or updated key has after them (deleted keys absent). A statement whose changes are on
   * another shard than the transaction's, or that would take it past {@link #MAX_STEPS}, is refused
   * with nothing added (400 naming the limit).
   */
  public void add(
      String onShard,
      List<TxnStep> statement,
      Map<Long, Map<String, Object>> after,
      String keyName) {
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
      long key = s.keyIn(keyName);
      if (s.op() == Operation.Delete) {
        written.remove(key);
        deleted.add(key);
      } else {
        deleted.remove(key);
        written.put(key, after.get(key));
      }
    }
  }

  /**
   * {@code read} — the primaries' rows in {@code keys} that match {@code where} — as this
   * transaction sees them: a row it deleted is gone, a row it wrote or updated is its version (kept
   * only if that matches {@code where}), in key order.
   */
  public List<Map<String, Object>> overlay(
      List<Map<String, Object>> read, KeyRanges keys, Predicate where, String keyName) {
    Map<Long, Map<String, Object>> out = new TreeMap<>();
    List<Map<String, Object>> unkeyed = new ArrayList<>();
    for (Map<String, Object> r : read) {
      Object k = r.get(keyName);
      if (!(k instanceof Number n)) {
        unkeyed.add(r);
        continue;
      }
      long key = n.longValue();
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

  private static boolean contains(KeyRanges keys, long key) {
    for (KeyRange r : keys.ranges()) {
      if (r.low() <= key && key <= r.high()) {
        return true;
      }
    }
    return false;
  }
}
