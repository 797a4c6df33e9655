package io.shardeddb.shardserver.replication.write;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.shard.TxnStep;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each log {@link Operation} does to storage and to what the shard owns, written once (STYLE
 * 15) for the primary's batch plan ({@link BatchPlanner}), a secondary's replay of replicated
 * entries and an import's copy of a source's changes (both through {@link #replay} or the planner's
 * internal changes). The checks that decide whether a client change may happen at all (ownership,
 * existence, request ids, range refusals) are the planner's; this says what happens once it does.
 */
public final class LogOps {
  private LogOps() {}

  /** The storage operations of one entry, in order, and the config as of after it. */
  public record Effect(List<StorageOp> ops, ShardConfig config) {}

  /**
   * What {@code op} does. {@code fresh}: a client change the primary has checked (a write inserts,
   * failing on a duplicate key); otherwise a replay or an import's copy (a write upserts, so
   * applying an entry twice leaves one row). {@code rows} are coerced; {@code range} is the range
   * entry's. Fence and adopt change what is owned (nothing for a config that owns every key).
   * {@code commitMillis} is the entry's commit time, which a Schema entry's added {@code
   * CURRENT_TIMESTAMP} columns read as for the rows stored before it; a Schema entry's {@code rows}
   * are its payload ({@link SchemaChange#payload}). {@code timestamp} is the entry's global
   * timestamp: every row it writes gets it, unless the row carries its own ({@link
   * RowTimestamps#FIELD}: an import's copy keeps its source's), so every copy of the row stores the
   * same one.
   */
  public static Effect of(
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      PointRange range,
      ShardConfig config,
      boolean fresh,
      long commitMillis,
      long timestamp) {
    return of(op, rows, key, range, config, fresh, commitMillis, timestamp, null);
  }

  /**
   * As {@link #of(Operation, List, Long, PointRange, ShardConfig, boolean, long, long)} for a
   * write, update or delete of table {@code table} (null: the database's first table; a table the
   * config lacks is a 404).
   */
  public static Effect of(
      Operation op,
      List<Map<String, Object>> rows,
      Object key,
      PointRange range,
      ShardConfig config,
      boolean fresh,
      long commitMillis,
      long timestamp,
      String table) {
    TableSchema other = otherTable(config, table);
    return switch (op) {
      case Write -> new Effect(List.of(rowsOp(rows, timestamp, fresh, other)), config);
      case Update ->
          new Effect(
              List.of(
                  new StorageOp.Update(
                      key,
                      RowTimestamps.without(rows.get(0)),
                      RowTimestamps.of(rows.get(0), timestamp),
                      other)),
              config);
      case Delete -> new Effect(List.of(new StorageOp.Delete(key, other)), config);
      case Noop -> new Effect(List.of(), config);
      case Fence, Adopt -> {
        List<PointRange> owned = config.ownedRanges();
        yield new Effect(
            List.of(),
            owned == null ? config : config.withOwned(RangeRules.ownedAfter(owned, op, range)));
      }
      case Purge -> new Effect(purge(config, range), config);
      case Schema -> schemaChange(SchemaChange.ofPayload(rows), config, commitMillis);
      case Txn ->
          new Effect(transaction(TxnStep.ofPayload(rows), fresh, timestamp, config), config);
      case Clock ->
          new Effect(
              List.of(),
              config.withTimestampWindow(
                  io.shardeddb.shardserver.replication.ClientChange.clockUntil(rows)));
    };
  }

  /**
   * The schema of table {@code table} when it is not the database's first ({@code null} for the
   * first, named or not): what a row operation of it carries. A table the config lacks is a 404.
   */
  public static TableSchema otherTable(ShardConfig config, String table) {
    if (table == null) {
      return null;
    }
    TableSchema t = config.table(table);
    return t == config.schema() ? null : t;
  }

  /** A purge: the range's rows deleted from every table, the first one's first. */
  private static List<StorageOp> purge(ShardConfig config, PointRange range) {
    List<StorageOp> ops = new ArrayList<>();
    ops.add(new StorageOp.DeletePoints(config.pointsBy(), range));
    for (TableSchema t : config.otherTables()) {
      ops.add(new StorageOp.DeletePoints(config.pointsBy(), range, t));
    }
    return List.copyOf(ops);
  }

  /**
   * An insert ({@code fresh}) or upsert of {@code rows} of {@code table} (null: the first), each at
   * its own timestamp or {@code ts}.
   */
  private static StorageOp rowsOp(
      List<Map<String, Object>> rows, long ts, boolean fresh, TableSchema table) {
    List<Map<String, Object>> plain = new ArrayList<>(rows.size());
    List<Long> stamps = new ArrayList<>(rows.size());
    for (Map<String, Object> r : rows) {
      plain.add(RowTimestamps.without(r));
      stamps.add(RowTimestamps.of(r, ts));
    }
    return fresh
        ? new StorageOp.Insert(plain, stamps, table)
        : new StorageOp.Upsert(plain, stamps, table);
  }

  /**
   * A Txn entry: each step's storage operation, in the transaction's order (a write inserts when
   * {@code fresh}, else upserts, as a Write entry does), each in its own table. They run inside the
   * one storage transaction that applies the entry, so every copy has all of them or none.
   */
  private static List<StorageOp> transaction(
      List<TxnStep> steps, boolean fresh, long ts, ShardConfig config) {
    List<StorageOp> ops = new ArrayList<>(steps.size());
    for (TxnStep s : steps) {
      TableSchema other = otherTable(config, s.table());
      ops.add(
          switch (s.op()) {
            case Write -> rowsOp(List.of(s.row()), ts, fresh, other);
            case Update ->
                new StorageOp.Update(
                    s.key(), RowTimestamps.without(s.row()), RowTimestamps.of(s.row(), ts), other);
            case Delete -> new StorageOp.Delete(s.key(), other);
            default -> throw new IllegalStateException("a Txn step is never " + s.op());
          });
    }
    return List.copyOf(ops);
  }

  /**
   * {@code steps}' rows coerced to {@code schema} (whole rows for writes, partial for updates); a
   * row's timestamp ({@link RowTimestamps#FIELD}, an import's) stays.
   */
  public static List<TxnStep> coerced(List<TxnStep> steps, TableSchema schema) {
    return coerced(steps, t -> schema);
  }

  /**
   * {@code steps}' rows each coerced to its own table's schema in {@code config} (a table the
   * config lacks is a 404).
   */
  public static List<TxnStep> coerced(List<TxnStep> steps, ShardConfig config) {
    return coerced(steps, config::table);
  }

  private static List<TxnStep> coerced(
      List<TxnStep> steps, java.util.function.Function<String, TableSchema> schemaOf) {
    return steps.stream()
        .map(
            s -> {
              TableSchema schema = schemaOf.apply(s.table());
              return s.mapRow(
                  r ->
                      RowTimestamps.keeping(
                          r,
                          s.op() == Operation.Write
                              ? schema::coerceRow
                              : schema::coercePartialRow));
            })
        .toList();
  }

  /**
   * A Schema entry (docs/log-format.md, "Schema entries" and "Tables"): the table of the change's
   * name altered to its schema, the rows stored so far given each added column's default — or, when
   * the shard has no table of that name, the table created; or, for a drop, the table dropped — and
   * the config at the change's version. A change the config holds already (below its version, or at
   * it with that table as the change leaves it: an import or a restore meeting an entry it applied)
   * alters nothing.
   */
  private static Effect schemaChange(SchemaChange change, ShardConfig config, long commitMillis) {
    TableSchema after = change.schema();
    TableSchema before = config.tableOrNull(after.table());
    boolean held = change.drops() ? before == null : after.equals(before);
    long at = config.schemaVersionOrOne();
    // Versions rise by one per entry along the log: one below the config's was applied before it
    // (a later change may since have re-created or altered the same table).
    if (change.version() < at || (change.version() == at && held)) {
      return new Effect(List.of(), config);
    }
    if (change.drops()) {
      String refusal = dropRefusal(config, after.table());
      if (refusal != null) {
        throw new IllegalStateException(
            "Schema entry to version " + change.version() + " cannot follow: " + refusal);
      }
      return new Effect(
          List.of(new StorageOp.DropTable(before)),
          config.withoutTable(before.table(), change.version()));
    }
    if (before == null) {
      return new Effect(
          List.of(new StorageOp.CreateTable(after)), config.withTable(after, change.version()));
    }
    String refusal = before.evolutionRefusal(after);
    if (refusal != null) {
      throw new IllegalStateException(
          "Schema entry to version " + change.version() + " cannot follow: " + refusal);
    }
    Clock clock = Clock.fixed(Instant.ofEpochMilli(commitMillis), ZoneOffset.UTC);
    Map<String, Object> backfill = new LinkedHashMap<>();
    for (Column c : after.added(before)) {
      backfill.put(c.name(), TableSchema.backfillOf(c, clock));
    }
    return new Effect(
        List.of(new StorageOp.AlterTable(before, after, backfill)),
        config.withTable(after, change.version()));
  }

  /**
   * Why table {@code name} cannot be dropped from {@code config}, or null: the shard has no such
   * table, or it is the database's first table (the one the assignment's API and every entry
   * without a table name are of; dropping it is not supported yet).
   */
  public static String dropRefusal(ShardConfig config, String name) {
    TableSchema table = config.tableOrNull(name);
    return table == null
        ? "shard " + config.shardId() + " has no table '" + name + "' to drop"
        : config.tableSet().refusal(new TableSet.Step(table, true));
  }

  /**
   * How many of {@code entries} (consecutive) one transaction may apply: up to the first Schema
   * entry, or that entry alone when it comes first — MySQL commits what came before a DDL
   * statement, so a Schema entry always starts its own transaction.
   */
  public static int inOneTransaction(List<LogEntry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).op() == Operation.Schema) {
        return i == 0 ? 1 : i;
      }
    }
    return entries.size();
  }

  /**
   * What a secondary's apply of consecutive replicated entries writes besides the log: the storage
   * operations in order, the request outcomes the entries carry (rule 8: a retry on this replica,
   * once primary, gets the original LSN) and the config after the last entry.
   */
  public record Replay(List<StorageOp> ops, List<RequestOutcome> outcomes, ShardConfig config) {}

  /** {@link #replay(LogEntry, ShardConfig)} of each entry in order, with their request outcomes. */
  public static Replay replayAll(List<LogEntry> entries, ShardConfig config) {
    List<StorageOp> ops = new ArrayList<>();
    List<RequestOutcome> outcomes = new ArrayList<>();
    ShardConfig now = config;
    for (LogEntry e : entries) {
      Effect effect = replay(e, now);
      ops.addAll(effect.ops());
      now = effect.config();
      if (e.requestId() != null) {
        outcomes.add(new RequestOutcome(e.requestId(), e.lsn(), RequestOutcome.APPLIED, null));
      }
    }
    return new Replay(List.copyOf(ops), List.copyOf(outcomes), now);
  }

  /** What a replicated entry does on a secondary (its rows as they travel, coerced here). */
  public static Effect replay(LogEntry e, ShardConfig config) {
    TableSchema schema = config.table(e.table());
    List<Map<String, Object>> rows =
        switch (e.op()) {
          case Write ->
              e.rows().stream().map(r -> RowTimestamps.keeping(r, schema::coerceRow)).toList();
          case Update -> List.of(RowTimestamps.keeping(e.rows().get(0), schema::coercePartialRow));
          case Schema, Clock -> e.rows();
          case Txn -> TxnStep.payload(coerced(TxnStep.ofPayload(e.rows()), config));
          default -> null;
        };
    PointRange range = RangeRules.isRangeOp(e.op()) ? RangeRules.rangeOf(e) : null;
    return of(
        e.op(), rows, e.key(), range, config, false, e.commitMillis(), e.timestamp(), e.table());
  }
}
