package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One change of a transaction: insert {@code row} ({@link Operation#Write}), set {@code row}'s
 * values on the row with {@code key} ({@link Operation#Update}), or delete the row with {@code key}
 * ({@link Operation#Delete}), in {@code table} (null: the database's first table; issue 46). A
 * transaction's steps travel in {@code POST /txn} and are stored, in order, as the rows of one
 * {@link Operation#Txn} log entry ({@link #payload}): each row is the step's values plus {@code
 * "@op"}, for an update or delete {@code "@key"}, and for a table other than the first {@code
 * "@table"} — names no column can have, so the entry needs no format of its own on the binary
 * stream, in the log table or in the archive (docs/log-format.md, "Transaction entries").
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TxnStep(Operation op, Object key, Map<String, Object> row, String table) {

  /** The key normalized ({@link ShardKeys#normalize}: a Long or a String). */
  public TxnStep {
    key = ShardKeys.normalize(key);
  }

  /** A step of the database's first table. */
  public TxnStep(Operation op, Object key, Map<String, Object> row) {
    this(op, key, row, null);
  }

  /** The name of a payload row's operation. */
  public static final String OP = "@op";

  /** The name of a payload row's key (updates and deletes). */
  public static final String KEY = "@key";

  /** The name of a payload row's table (a table other than the database's first). */
  public static final String TABLE = "@table";

  /** An insert of {@code row}. */
  public static TxnStep write(Map<String, Object> row) {
    return new TxnStep(Operation.Write, null, row);
  }

  /** An update of the row with {@code key} to {@code values}. */
  public static TxnStep update(Object key, Map<String, Object> values) {
    return new TxnStep(Operation.Update, key, values);
  }

  /** A delete of the row with {@code key}. */
  public static TxnStep delete(Object key) {
    return new TxnStep(Operation.Delete, key, null);
  }

  /** This step with its row replaced by {@code f} of it (null rows stay null). */
  public TxnStep mapRow(UnaryOperator<Map<String, Object>> f) {
    return row == null ? this : new TxnStep(op, key, f.apply(row), table);
  }

  /** This step as one of table {@code name} (null: the database's first table). */
  public TxnStep ofTable(String name) {
    return new TxnStep(op, key, row, name);
  }

  /**
   * The key this step changes, under the shard key of its own table in {@code tables} (the first
   * table's when the step names none).
   */
  public Object keyIn(io.shardeddb.protocol.schema.TableSet tables) {
    TableSchema t = table == null ? tables.first() : tables.tableOrNull(table);
    if (t == null) {
      throw new InvalidRequestException("unknown table '" + table + "'");
    }
    return keyIn(t);
  }

  /**
   * The key this step changes, as {@code table}'s key value: an update's or delete's {@code key}, a
   * write's row's key (its shard key, or the tuple of a composite key's columns).
   */
  public Object keyIn(TableSchema table) {
    return op == Operation.Write ? table.keyOf(row) : table.coerceKey(key);
  }

  /**
   * Checks a step as {@code POST /txn} receives it: a write with a row, an update with a key and a
   * row, a delete with a key; anything else a 400 naming step {@code i}.
   */
  public TxnStep validate(int i) {
    String at = "steps[" + i + "]";
    if (op == null) {
      throw new InvalidRequestException(at + ": missing field 'op' (Write, Update or Delete)");
    }
    switch (op) {
      case Write -> {
        if (row == null || row.isEmpty()) {
          throw new InvalidRequestException(at + ": a Write needs its 'row'");
        }
      }
      case Update -> {
        if (key == null || row == null || row.isEmpty()) {
          throw new InvalidRequestException(at + ": an Update needs 'key' and 'row'");
        }
      }
      case Delete -> {
        if (key == null) {
          throw new InvalidRequestException(at + ": a Delete needs 'key'");
        }
      }
      default ->
          throw new InvalidRequestException(
              at + ": 'op' must be Write, Update or Delete, not " + op);
    }
    return this;
  }

  /** The rows of a Txn entry holding {@code steps}, in order. */
  public static List<Map<String, Object>> payload(List<TxnStep> steps) {
    List<Map<String, Object>> rows = new ArrayList<>(steps.size());
    for (TxnStep s : steps) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put(OP, s.op().name());
      if (s.key() != null) {
        r.put(KEY, s.key());
      }
      if (s.table() != null) {
        r.put(TABLE, s.table());
      }
      if (s.row() != null) {
        r.putAll(s.row());
      }
      rows.add(r);
    }
    return rows;
  }

  /** The steps a Txn entry's rows carry; an unreadable one is an IllegalStateException. */
  public static List<TxnStep> ofPayload(List<Map<String, Object>> rows) {
    if (rows == null || rows.isEmpty()) {
      throw new IllegalStateException("a Txn entry carries at least one step, got " + rows);
    }
    List<TxnStep> steps = new ArrayList<>(rows.size());
    for (Map<String, Object> r : rows) {
      Object op = r.get(OP);
      Object key = r.get(KEY);
      Object table = r.get(TABLE);
      Map<String, Object> values = new LinkedHashMap<>(r);
      values.remove(OP);
      values.remove(KEY);
      values.remove(TABLE);
      try {
        Operation o = Operation.valueOf(String.valueOf(op));
        Object k = ShardKeys.normalize(key);
        steps.add(
            new TxnStep(
                o,
                k,
                o == Operation.Delete ? null : values,
                table == null ? null : (String) table));
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new IllegalStateException("unreadable Txn step " + r + ": " + e, e);
      }
    }
    return steps;
  }
}
