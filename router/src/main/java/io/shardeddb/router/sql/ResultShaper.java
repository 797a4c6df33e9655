package io.shardeddb.router.sql;

import io.shardeddb.protocol.shard.RowTimestamps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a SELECT the router does itself over the rows the key ranges returned: keep the rows
 * matching the WHERE clause, sort them (NULLs first ascending, as MySQL does), apply OFFSET and
 * LIMIT, then project the chosen columns or count; a row read with its global timestamp carries it
 * in {@value SqlPlan#TIMESTAMP_FIELD}; a grouped SELECT folds the matching rows into its groups
 * ({@link Aggregation}) first. Pure.
 */
public final class ResultShaper {
  private ResultShaper() {}

  /** The rows the client sees for {@code plan}, given every row read for its key ranges. */
  public static List<Map<String, Object>> shape(
      SqlPlan.Select plan, List<Map<String, Object>> read) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : read) {
      if (plan.where().matches(r)) {
        rows.add(r);
      }
    }
    if (plan.countLabel() != null) {
      return counted(plan, rows.size());
    }
    if (plan.grouping() != null) {
      Aggregation groups = new Aggregation(plan.grouping(), Long.MAX_VALUE);
      rows.forEach(groups::add);
      return grouped(plan, groups.rows());
    }
    if (!plan.orderBy().isEmpty()) {
      rows.sort(comparator(plan.orderBy()));
    }
    long from = Math.min(plan.offset(), rows.size());
    long to = plan.limit() == null ? rows.size() : Math.min(rows.size(), from + plan.limit());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows.subList((int) from, (int) Math.max(from, to))) {
      Map<String, Object> projected = new LinkedHashMap<>();
      for (SqlPlan.Output o : plan.columns()) {
        projected.put(o.label(), r.get(o.column()));
      }
      // The row's global timestamp as the seed's /query reply shows it (read with the row; absent
      // from an older shard-server, and from a label of that name the SELECT chose itself).
      if (RowTimestamps.carries(r) && !projected.containsKey(SqlPlan.TIMESTAMP_FIELD)) {
        projected.put(SqlPlan.TIMESTAMP_FIELD, r.get(RowTimestamps.FIELD));
      }
      out.add(projected);
    }
    return out;
  }

  /**
   * The rows of a grouped SELECT given one row per group ({@link Aggregation#rows}): sorted by its
   * ORDER BY (which names output labels), then OFFSET and LIMIT.
   */
  public static List<Map<String, Object>> grouped(
      SqlPlan.Select plan, List<Map<String, Object>> groups) {
    List<Map<String, Object>> rows = new ArrayList<>(groups);
    if (!plan.orderBy().isEmpty()) {
      rows.sort(comparator(plan.orderBy()));
    }
    long from = Math.min(plan.offset(), rows.size());
    long to = plan.limit() == null ? rows.size() : Math.min(rows.size(), from + plan.limit());
    return List.copyOf(rows.subList((int) from, (int) Math.max(from, to)));
  }

  /** The rows of a COUNT(*) SELECT when {@code count} rows matched. */
  public static List<Map<String, Object>> counted(SqlPlan.Select plan, long count) {
    // COUNT(*) yields one row; OFFSET and LIMIT apply to that one row, as in SQL.
    Map<String, Object> one = new LinkedHashMap<>();
    one.put(plan.countLabel(), count);
    boolean shown = plan.offset() == 0 && (plan.limit() == null || plan.limit() > 0);
    return shown ? List.of(one) : List.of();
  }

  static Comparator<Map<String, Object>> comparator(List<SqlPlan.Order> order) {
    Comparator<Map<String, Object>> c = (a, b) -> 0;
    for (SqlPlan.Order o : order) {
      Comparator<Map<String, Object>> one =
          (a, b) -> {
            Object x = a.get(o.column());
            Object y = b.get(o.column());
            if (x == null || y == null) {
              return x == null ? (y == null ? 0 : -1) : 1;
            }
            return Predicate.compare(x, y);
          };
      c = c.thenComparing(o.descending() ? one.reversed() : one);
    }
    return c;
  }
}
