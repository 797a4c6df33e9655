package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the router keeps of a SELECT's matching rows while the shards' pages arrive in key order, so
 * that its memory is bounded by the statement, never by the table: a COUNT keeps a number; a LIMIT
 * in key order keeps the first {@code offset + limit} rows and then says it needs no more (the read
 * stops fetching pages: LIMIT pushed down to the page); a LIMIT with another ORDER BY keeps only
 * the best {@code offset + limit} rows seen so far; a grouped SELECT keeps one accumulator row per
 * group ({@link Aggregation}); anything else keeps every row. Every kept row counts against {@link
 * SqlLimits}: more than that is a 400 naming the limit, never an out-of-memory router. Pure.
 */
final class ResultBuffer {
  private enum Mode {
    COUNT,
    GROUP,
    FIRST,
    BEST,
    ALL
  }

  private record Seen(long seq, Map<String, Object> row, long bytes) {}

  private final Mode mode;
  private final long wanted;
  private final SqlLimits limits;
  private final List<Seen> kept = new ArrayList<>();
  private final TreeSet<Seen> best;
  private final Aggregation groups;
  private long count;
  private long bytes;
  private long seq;

  private ResultBuffer(Mode mode, long wanted, Comparator<Map<String, Object>> order, SqlLimits l) {
    this(mode, wanted, order, l, null);
  }

  private ResultBuffer(
      Mode mode,
      long wanted,
      Comparator<Map<String, Object>> order,
      SqlLimits l,
      Aggregation groups) {
    this.mode = mode;
    this.groups = groups;
    this.wanted = wanted;
    this.limits = l;
    this.best =
        order == null
            ? null
            : new TreeSet<>(
                Comparator.<Seen, Map<String, Object>>comparing(Seen::row, order)
                    .thenComparingLong(Seen::seq));
  }

  /** The buffer for {@code plan} over a table whose shard key is {@code shardKey}. */
  static ResultBuffer forSelect(SqlPlan.Select plan, String shardKey, SqlLimits limits) {
    if (plan.countLabel() != null) {
      return new ResultBuffer(Mode.COUNT, Long.MAX_VALUE, null, limits);
    }
    if (plan.grouping() != null) {
      return new ResultBuffer(
          Mode.GROUP,
          Long.MAX_VALUE,
          null,
          limits,
          new Aggregation(plan.grouping(), limits.maxResultRows()));
    }
    if (plan.limit() == null) {
      return new ResultBuffer(Mode.ALL, Long.MAX_VALUE, null, limits);
    }
    long wanted = saturatedAdd(plan.offset(), plan.limit());
    if (inKeyOrder(plan.orderBy(), shardKey)) {
      return new ResultBuffer(Mode.FIRST, wanted, null, limits);
    }
    return new ResultBuffer(Mode.BEST, wanted, ResultShaper.comparator(plan.orderBy()), limits);
  }

  /**
   * Takes one matching row; answers whether the statement needs no further row. Fails with a 400
   * when keeping it would exceed {@link SqlLimits#maxResultRows()} or {@link
   * SqlLimits#maxResultBytes()}.
   */
  boolean add(Map<String, Object> row) {
    count++;
    switch (mode) {
      case COUNT -> {
        return false;
      }
      case GROUP -> {
        groups.add(row);
        return false;
      }
      case FIRST, ALL -> keep(new Seen(seq++, row, size(row)));
      case BEST -> {
        Seen s = new Seen(seq++, row, size(row));
        best.add(s);
        bytes += s.bytes();
        if (best.size() > wanted) {
          bytes -= best.pollLast().bytes();
        }
        check(best.size());
      }
    }
    return mode == Mode.FIRST && kept.size() >= wanted;
  }

  /** How many matching rows were added. */
  long count() {
    return count;
  }

  /**
   * The kept rows in the order they arrived (key order), for {@link ResultShaper#shape}; for a
   * grouped SELECT one row per group, for {@link ResultShaper#grouped}.
   */
  List<Map<String, Object>> rows() {
    if (mode == Mode.GROUP) {
      return groups.rows();
    }
    if (mode == Mode.BEST) {
      return best.stream().sorted(Comparator.comparingLong(Seen::seq)).map(Seen::row).toList();
    }
    return kept.stream().map(Seen::row).toList();
  }

  private void keep(Seen s) {
    kept.add(s);
    bytes += s.bytes();
    check(kept.size());
  }

  private void check(int rows) {
    if (rows > limits.maxResultRows()) {
      throw new InvalidRequestException(
          "the result holds more than "
              + limits.maxResultRows()
              + " rows (the router's limit, shardeddb.router.sql.max-result-rows); add a LIMIT,"
              + " narrow the WHERE, or count with COUNT(*)");
    }
    if (bytes > limits.maxResultBytes()) {
      throw new InvalidRequestException(
          "the result is larger than "
              + limits.maxResultBytes()
              + " bytes (the router's limit, shardeddb.router.sql.max-result-bytes); add a LIMIT"
              + " or narrow the WHERE");
    }
  }

  /** Rows arrive in shard-key order: no ORDER BY, or ORDER BY the shard key ascending. */
  private static boolean inKeyOrder(List<SqlPlan.Order> order, String shardKey) {
    return order.isEmpty()
        || (order.size() == 1
            && order.get(0).column().equalsIgnoreCase(shardKey)
            && !order.get(0).descending());
  }

  /** About the size of {@code row} as JSON: names, values, quotes and separators. */
  static long size(Map<String, Object> row) {
    long n = 2;
    for (Map.Entry<String, Object> e : row.entrySet()) {
      n += e.getKey().length() + 4;
      Object v = e.getValue();
      n += v instanceof CharSequence s ? s.length() + 2 : 8;
    }
    return n;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }
}
