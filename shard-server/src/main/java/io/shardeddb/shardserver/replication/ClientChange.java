package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.topology.PointRange;
import java.util.List;
import java.util.Map;

/**
 * A validated change for the primary to order: rows (coerced, for writes), the single row's new
 * values (updates) or only the key (deletes), and the optional client request id; or a range entry
 * ({@code range}, {@code moveId}). An {@code internal} change is an import's copy of the source's
 * data (docs/resharding.md): it skips the ownership check, writes as upserts, tolerates missing
 * rows and is never deduplicated (a restarted import re-applies what it purged), though it records
 * the source's request id. {@code timestamp} is the global timestamp slot the router fetched for
 * the change (DESIGN §11; 0: none), which its entry takes unless the log is already past it ({@code
 * GlobalTimestamp.forEntry}). {@code table} names the table a write, update or delete is of (null:
 * the database's first table; issue 46), which its entry names too.
 */
public record ClientChange(
    Operation op,
    List<Map<String, Object>> rows,
    Object key,
    String requestId,
    PointRange range,
    String moveId,
    boolean internal,
    long timestamp,
    String table) {

  /** The key normalized: a Long, a String for a String shard key, or null. */
  public ClientChange {
    key = io.shardeddb.protocol.schema.ShardKeys.normalize(key);
  }

  /** A change of the database's first table. */
  public ClientChange(
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      String requestId,
      PointRange range,
      String moveId,
      boolean internal,
      long timestamp) {
    this(op, rows, key, requestId, range, moveId, internal, timestamp, null);
  }

  /** A change without a global timestamp. */
  public ClientChange(
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      String requestId,
      PointRange range,
      String moveId,
      boolean internal) {
    this(op, rows, key, requestId, range, moveId, internal, 0);
  }

  public ClientChange(Operation op, List<Map<String, Object>> rows, Object key, String requestId) {
    this(op, rows, key, requestId, null, null, false);
  }

  /** This change with the global timestamp slot {@code ts} (0: none). */
  public ClientChange withTimestamp(long ts) {
    return new ClientChange(op, rows, key, requestId, range, moveId, internal, ts, table);
  }

  /** This change of table {@code name} (null: the database's first table). */
  public ClientChange ofTable(String name) {
    return new ClientChange(op, rows, key, requestId, range, moveId, internal, timestamp, name);
  }

  /** This change with {@code newRows} instead (the rest as it is). */
  public ClientChange withRows(List<Map<String, Object>> newRows) {
    return new ClientChange(op, newRows, key, requestId, range, moveId, internal, timestamp, table);
  }

  public static ClientChange write(List<Map<String, Object>> rows, String requestId) {
    return new ClientChange(Operation.Write, rows, null, requestId);
  }

  public static ClientChange update(Object key, Map<String, Object> values, String requestId) {
    return new ClientChange(Operation.Update, List.of(values), key, requestId);
  }

  public static ClientChange delete(Object key, String requestId) {
    return new ClientChange(Operation.Delete, null, key, requestId);
  }

  /** A fence, adopt or purge of {@code range} for move {@code moveId}. */
  public static ClientChange range(Operation op, PointRange range, String moveId) {
    return new ClientChange(op, null, null, null, range, moveId, false);
  }

  /** A schema change (the operator's {@code POST /schema}): its rows are the entry's payload. */
  public static ClientChange schema(SchemaChange change) {
    return new ClientChange(Operation.Schema, change.payload(), null, null);
  }

  /**
   * One transaction's steps ({@code POST /txn}), coerced: committed as one Txn entry or refused
   * whole.
   */
  public static ClientChange txn(
      List<io.shardeddb.protocol.shard.TxnStep> steps, String requestId) {
    return new ClientChange(
        Operation.Txn, io.shardeddb.protocol.shard.TxnStep.payload(steps), null, requestId);
  }

  /** The timestamp oracle's window up to {@code until} (DESIGN §11): a {@code Clock} entry. */
  public static ClientChange clock(long until) {
    return new ClientChange(Operation.Clock, List.of(Map.of("until", until)), null, null);
  }

  /** The window a {@code Clock} entry's rows carry. */
  public static long clockUntil(List<Map<String, Object>> rows) {
    return ((Number) rows.get(0).get("until")).longValue();
  }

  /** An import's change (see the class comment); {@code rows} coerced, as for client changes. */
  public static ClientChange imported(
      Operation op, List<Map<String, Object>> rows, Object key, String requestId) {
    return new ClientChange(op, rows, key, requestId, null, null, true);
  }
}
