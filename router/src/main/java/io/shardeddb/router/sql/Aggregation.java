package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of a grouped SELECT ({@link SqlPlan.Grouping}) while its matching rows arrive: one
 * accumulator per item and group, so the router's memory is bounded by the number of groups, never
 * by the rows read. More than {@code maxGroups} groups is a 400 naming the limit. Pure.
 *
 * <p>Semantics are MySQL's: {@code COUNT(*)} counts rows, {@code COUNT(col)} the rows where it is
 * not NULL; {@code SUM}, {@code AVG}, {@code MIN} and {@code MAX} skip NULLs and are NULL over no
 * value; {@code SUM} is exact (DECIMAL, as MySQL's {@code SUM} of an integer column is); {@code
 * AVG} is DECIMAL with 4 more decimals than its input ({@code div_precision_increment}); without
 * GROUP BY the aggregates yield one row even when no row matched. Values group when equal as the
 * router's WHERE compares them: numbers by value, strings exactly (a binary collation).
 */
final class Aggregation {
  /** MySQL's {@code div_precision_increment}: the decimals AVG adds to its input's. */
  static final int AVG_EXTRA_SCALE = 4;

  private final SqlPlan.Grouping grouping;
  private final long maxGroups;
  private final Map<List<Object>, Group> groups = new LinkedHashMap<>();

  Aggregation(SqlPlan.Grouping grouping, long maxGroups) {
    this.grouping = grouping;
    this.maxGroups = maxGroups;
  }

  /** Folds one matching row into its group. */
  void add(Map<String, Object> row) {
    List<Object> key = new ArrayList<>(grouping.by().size());
    for (String column : grouping.by()) {
      key.add(groupValue(row.get(column)));
    }
    Group group = groups.get(key);
    if (group == null) {
      if (groups.size() >= maxGroups) {
        throw new InvalidRequestException(
            "the result holds more than "
                + maxGroups
                + " groups (the router's limit, shardeddb.router.sql.max-result-rows); narrow the"
                + " WHERE or group by fewer distinct values");
      }
      group = new Group(row, grouping.items());
      groups.put(key, group);
    }
    group.add(row);
  }

  /** One row per group, in the order the groups were first seen: each item under its label. */
  List<Map<String, Object>> rows() {
    List<Map<String, Object>> out = new ArrayList<>();
    if (groups.isEmpty() && grouping.by().isEmpty()) {
      out.add(new Group(Map.of(), grouping.items()).row());
      return out;
    }
    for (Group g : groups.values()) {
      out.add(g.row());
    }
    return out;
  }

  /** Numbers group by value whatever their Java type (1, 1L and 1.0 are one group). */
  private static Object groupValue(Object v) {
    if (v instanceof Number && !(v instanceof BigDecimal)) {
      if (v instanceof Double || v instanceof Float) {
        return BigDecimal.valueOf(((Number) v).doubleValue()).stripTrailingZeros();
      }
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    return v;
  }

  private static BigDecimal decimal(Object v) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
      return BigDecimal.valueOf(n.longValue());
    }
    return new BigDecimal(v.toString());
  }

  /** A group: the row it was first seen in (its grouped values) and one accumulator per item. */
  private static final class Group {
    private final Map<String, Object> first;
    private final List<SqlPlan.Item> items;
    private final long[] counts;
    private final BigDecimal[] sums;
    private final int[] scales;
    private final Object[] extremes;

    Group(Map<String, Object> first, List<SqlPlan.Item> items) {
      this.first = first;
      this.items = items;
      this.counts = new long[items.size()];
      this.sums = new BigDecimal[items.size()];
      this.scales = new int[items.size()];
      this.extremes = new Object[items.size()];
    }

    void add(Map<String, Object> row) {
      for (int i = 0; i < items.size(); i++) {
        SqlPlan.Item item = items.get(i);
        if (item.aggregate() == null) {
          continue;
        }
        if (item.column() == null) {
          counts[i]++;
          continue;
        }
        Object v = row.get(item.column());
        if (v == null) {
          continue;
        }
        counts[i]++;
        switch (item.aggregate()) {
          case SUM, AVG -> {
            BigDecimal d = decimal(v);
            sums[i] = sums[i] == null ? d : sums[i].add(d);
            scales[i] = Math.max(scales[i], Math.max(0, d.scale()));
          }
          case MIN -> {
            if (extremes[i] == null || Predicate.compare(v, extremes[i]) < 0) {
              extremes[i] = v;
            }
          }
          case MAX -> {
            if (extremes[i] == null || Predicate.compare(v, extremes[i]) > 0) {
              extremes[i] = v;
            }
          }
          case COUNT -> {}
        }
      }
    }

    Map<String, Object> row() {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < items.size(); i++) {
        SqlPlan.Item item = items.get(i);
        row.put(item.label(), item.aggregate() == null ? first.get(item.column()) : result(i));
      }
      return row;
    }

    private Object result(int i) {
      return switch (items.get(i).aggregate()) {
        case COUNT -> counts[i];
        case SUM -> sums[i];
        case AVG ->
            counts[i] == 0
                ? null
                : sums[i].divide(
                    BigDecimal.valueOf(counts[i]),
                    scales[i] + AVG_EXTRA_SCALE,
                    RoundingMode.HALF_UP);
        case MIN, MAX -> extremes[i];
      };
    }
  }
}
