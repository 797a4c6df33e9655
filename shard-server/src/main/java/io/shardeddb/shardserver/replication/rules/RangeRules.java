package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Range entries of the log (docs/resharding.md): how fence, adopt and purge change what a shard
 * owns, and how their range travels in a {@link LogEntry} (one row {@code {low, size, moveId}}).
 * Pure: every replica applies the same entry to the same owned list and gets the same answer.
 */
public final class RangeRules {
  private RangeRules() {}

  /** Whether {@code op} is a range entry. */
  public static boolean isRangeOp(Operation op) {
    return op == Operation.Fence || op == Operation.Adopt || op == Operation.Purge;
  }

  /**
   * What the shard owns after {@code op} of {@code range}: fence removes it, adopt adds it, purge
   * leaves ownership as it is. Each is idempotent, so a repeated change (same or new entry) is
   * harmless.
   */
  public static List<PointRange> ownedAfter(
      List<PointRange> owned, Operation op, PointRange range) {
    return switch (op) {
      case Fence -> PointRange.minus(owned, range);
      case Adopt -> PointRange.plus(owned, range);
      default -> owned;
    };
  }

  /**
   * Why a purge of {@code range} must be refused while the shard owns {@code owned}, or null when
   * it may go: rows of a range the shard still owns are live data.
   */
  public static String purgeRefusal(List<PointRange> owned, PointRange range) {
    for (PointRange r : owned) {
      if (r.overlaps(range)) {
        return "cannot purge ["
            + range.low()
            + ", "
            + range.highExclusive()
            + "): the shard still owns ["
            + r.low()
            + ", "
            + r.highExclusive()
            + "); fence it first";
      }
    }
    return null;
  }

  /** The payload of a range entry. */
  public static List<Map<String, Object>> payload(PointRange range, String moveId) {
    return List.of(
        moveId == null
            ? Map.of("low", range.low(), "size", range.size())
            : Map.of("low", range.low(), "size", range.size(), "moveId", moveId));
  }

  /** The range a range entry carries. */
  public static PointRange rangeOf(LogEntry e) {
    Map<String, Object> row = e.rows().get(0);
    return new PointRange(
        ((Number) row.get("low")).longValue(), ((Number) row.get("size")).longValue());
  }

  /**
   * The entries of a source's log as a destination importing {@code range} sees them: writes keep
   * only the rows whose point lies in the range (a transaction the steps whose key does), updates
   * and deletes of other keys, range entries and writes left with no row become no-ops (so LSNs
   * stay consecutive and the importer knows how far it has read). Request ids stay with the entries
   * that still change something.
   */
  public static List<LogEntry> filterToRange(
      List<LogEntry> entries, Sharding sharding, PointRange range, String keyName) {
    return filter(
        entries,
        sharding::point,
        range,
        t -> t == null ? new KeyOf(r -> keyOf(r.get(keyName)), RangeRules::keyOf) : null);
  }

  /**
   * As {@link #filterToRange(List, Sharding, PointRange, String)} over entries of several tables:
   * {@code tableOf} gives the schema of an entry's table ({@link LogEntry#table}, null for the
   * first), or null for a table the shard no longer has (its entries become no-ops: a table dropped
   * before the move began has no rows to move); each key is read as that table's key value (a
   * String key's point is its hash).
   */
  public static List<LogEntry> filterToRange(
      List<LogEntry> entries,
      Sharding sharding,
      PointRange range,
      java.util.function.Function<String, TableSchema> tableOf) {
    return filterToRange(entries, sharding::point, range, tableOf);
  }

  /**
   * As {@link #filterToRange(List, Sharding, PointRange, java.util.function.Function)}, each key
   * placed at {@code pointOf} of its key value (a move's export: {@link Rulebook#exportedPoint}).
   */
  public static List<LogEntry> filterToRange(
      List<LogEntry> entries,
      java.util.function.ToLongFunction<Object> pointOf,
      PointRange range,
      java.util.function.Function<String, TableSchema> tableOf) {
    return filter(
        entries,
        pointOf,
        range,
        t -> {
          TableSchema schema = tableOf.apply(t);
          return schema == null ? null : new KeyOf(schema::keyOf, schema::coerceKey);
        });
  }

  /**
   * How a table's key is read: a row's key value, and a travelling key made a key value (a
   * composite key's tuple is placed by its first value, {@code Sharding.point}).
   */
  private record KeyOf(
      java.util.function.Function<Map<String, Object>, Object> of,
      java.util.function.Function<Object, Object> value) {
    Object in(Map<String, Object> row) {
      return of.apply(row);
    }
  }

  private static List<LogEntry> filter(
      List<LogEntry> entries,
      java.util.function.ToLongFunction<Object> pointOf,
      PointRange range,
      java.util.function.Function<String, KeyOf> keyOfTable) {
    List<LogEntry> out = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      KeyOf keyOf = keyOfTable.apply(e.table());
      if (keyOf == null) {
        out.add(e.asNoop());
        continue;
      }
      LogEntry kept =
          switch (e.op()) {
            case Write -> {
              List<Map<String, Object>> rows =
                  e.rows().stream()
                      .filter(r -> range.contains(pointOf.applyAsLong(keyOf.in(r))))
                      .toList();
              yield rows.isEmpty() ? null : e.withRows(rows);
            }
            case Update, Delete ->
                range.contains(pointOf.applyAsLong(keyOf.value().apply(e.key()))) ? e : null;
            case Txn -> {
              List<io.shardeddb.protocol.shard.TxnStep> steps =
                  io.shardeddb.protocol.shard.TxnStep.ofPayload(e.rows()).stream()
                      .filter(
                          t -> {
                            // Each step under its own table's shard key (none: a table the
                            // shard no longer has, whose rows do not move).
                            KeyOf stepKey = keyOfTable.apply(t.table());
                            return stepKey != null
                                && range.contains(
                                    pointOf.applyAsLong(
                                        t.op() == Operation.Write
                                            ? stepKey.in(t.row())
                                            : stepKey.value().apply(t.key())));
                          })
                      .toList();
              yield steps.isEmpty()
                  ? null
                  : e.withRows(io.shardeddb.protocol.shard.TxnStep.payload(steps));
            }
            default -> null;
          };
      out.add(kept != null ? kept : e.asNoop());
    }
    return out;
  }

  /** A Number shard key as it travels in a row (a JSON number, or its text). */
  public static long keyOf(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    return Long.parseLong(String.valueOf(v).trim());
  }
}
