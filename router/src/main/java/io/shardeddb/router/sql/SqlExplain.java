package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.topology.RoutingTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code EXPLAIN SELECT …} (docs/sql.md, "EXPLAIN"), the pure part: which statement is explained
 * ({@link #innerSelect}), what the router asks of each shard for it ({@link #steps}: the same key
 * ranges, shards and pushed-down filter {@link SqlExecutor} reads with) and the result's rows
 * ({@link #rows}): one per shard asked (per table and shard for a join), with the access the router
 * plans, the WHERE the shard evaluates, what the router does with the rows, and the columns of
 * MariaDB's own {@code EXPLAIN} of that shard's SELECT, which {@link SqlExecutor} fetches.
 */
final class SqlExplain {
  private SqlExplain() {}

  /** The result's columns, in order: MySQL's {@code id}, the router's plan, then MariaDB's. */
  static final List<String> COLUMNS =
      List.of(
          "id",
          "shard",
          "table",
          "access",
          "key_range",
          "pushed_where",
          "router",
          "type",
          "possible_keys",
          "key",
          "rows",
          "Extra");

  /** Of {@link #COLUMNS}, those holding numbers (the rest are text). */
  static final List<String> NUMBER_COLUMNS = List.of("id", "rows");

  /** Keys a {@code key_range} lists one by one; beyond, it says how many. */
  static final int LISTED_KEYS = 8;

  private static final Pattern EXPLAIN =
      Pattern.compile("(?is)\\s*(explain|describe|desc)(?:\\s+(.*?))?\\s*;?\\s*");
  private static final Pattern FORMAT = Pattern.compile("(?is)format\\s*=\\s*(\\w+)\\s*(.*)");
  private static final Pattern TABLE = Pattern.compile("(?is)`?[a-z_0-9]+`?(\\s+`?[a-z_0-9]+`?)?");

  /**
   * The SELECT {@code sql} explains, or null when {@code sql} is not an {@code EXPLAIN} ({@code
   * DESCRIBE}, {@code DESC}) statement. {@code FORMAT=TRADITIONAL} is the table this answers; other
   * formats, {@code ANALYZE}, {@code EXTENDED}/{@code PARTITIONS}, a statement that is not a SELECT
   * and the table form ({@code EXPLAIN t}, which the MySQL port answers as {@code DESCRIBE}) are
   * refused naming why.
   */
  static String innerSelect(String sql) {
    Matcher m = EXPLAIN.matcher(sql == null ? "" : sql);
    if (!m.matches()) {
      return null;
    }
    String word = m.group(1).toUpperCase(Locale.ROOT);
    String rest = m.group(2) == null ? "" : m.group(2);
    Matcher f = FORMAT.matcher(rest);
    if (f.matches()) {
      if (!f.group(1).equalsIgnoreCase("traditional")) {
        throw new InvalidRequestException(
            word
                + " FORMAT="
                + f.group(1).toUpperCase(Locale.ROOT)
                + " is not supported: EXPLAIN answers MySQL's traditional table (FORMAT=TRADITIONAL"
                + " or no FORMAT), one row per shard asked (docs/sql.md, \"EXPLAIN\")");
      }
      rest = f.group(2);
    }
    String first = rest.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
    if (first.equals("SELECT") || rest.startsWith("(")) {
      return rest;
    }
    if (first.equals("ANALYZE") || first.equals("EXTENDED") || first.equals("PARTITIONS")) {
      throw new InvalidRequestException(
          word
              + " "
              + first
              + " is not supported: EXPLAIN shows the plan of a SELECT without running it"
              + " (docs/sql.md, \"EXPLAIN\")");
    }
    if (TABLE.matcher(rest).matches()) {
      throw new InvalidRequestException(
          word
              + " of a table is not supported on /query: the MySQL port answers it as DESCRIBE;"
              + " EXPLAIN here takes a SELECT (docs/sql.md, \"EXPLAIN\")");
    }
    throw new InvalidRequestException(
        word
            + " of "
            + (first.isEmpty() ? "nothing" : first)
            + " is not supported: EXPLAIN takes a SELECT (docs/sql.md, \"EXPLAIN\")");
  }

  /**
   * What the router asks of one shard for one table: the key ranges it reads there ({@code ranges};
   * MariaDB's plan is asked for the first), described for the result ({@code access}, {@code
   * keyRange}, {@code router}), with the filter the shard evaluates and whether it counts. {@code
   * table} is the view whose requests these are (its {@code "table"} field), {@code label} the name
   * the result shows (a join's alias).
   */
  record Step(
      RoutingTable table,
      ShardTopology shard,
      String label,
      List<KeyRange> ranges,
      String access,
      String keyRange,
      ReadFilter filter,
      boolean count,
      String router) {
    Step {
      ranges = List.copyOf(ranges);
    }

    /** The range MariaDB's plan is asked for: the first this shard reads. */
    KeyRange asked() {
      return ranges.get(0);
    }
  }

  /** The steps of a one-table SELECT on {@code table}, in shard order. */
  static List<Step> steps(RoutingTable table, SqlPlan.Select select) {
    Pushdown.Result push = Pushdown.of(select.where(), table.topology().schema());
    boolean count = select.countLabel() != null && push.exact();
    String router = router(table, select, push.exact(), count, null);
    return shardSteps(
        table,
        select.keys(),
        select.where(),
        table.topology().schema().table(),
        push.filter(),
        count,
        router);
  }

  /**
   * The steps of a join: each table's steps (its own conditions pushed, as {@link SqlExecutor}
   * reads it), a shard's left table before its right one.
   */
  static List<Step> steps(RoutingTable all, SqlPlan.Join join) {
    SqlPlan.Select select = join.select();
    String how =
        (join.leftOuter() ? "LEFT JOIN" : "JOIN")
            + " merged by key ("
            + join.left().qualifier()
            + "."
            + join.left().table().shardKey()
            + " = "
            + join.right().qualifier()
            + "."
            + join.right().table().shardKey()
            + ")";
    List<Step> left = side(all, select, join.left(), how);
    List<Step> right = side(all, select, join.right(), how);
    List<Step> out = new ArrayList<>();
    List<Step> rest = new ArrayList<>(right);
    for (Step l : left) {
      out.add(l);
      for (Step r : List.copyOf(rest)) {
        if (r.shard().id().equals(l.shard().id())) {
          out.add(r);
          rest.remove(r);
        }
      }
    }
    out.addAll(rest);
    return out;
  }

  private static List<Step> side(
      RoutingTable all, SqlPlan.Select select, SqlPlan.JoinSide side, String how) {
    RoutingTable table = all.forTable(side.table().table());
    Pushdown.Result push = Pushdown.of(side.where(), side.table());
    String router = router(table, select, false, false, how);
    return shardSteps(
        table, select.keys(), side.where(), side.qualifier(), push.filter(), false, router);
  }

  /**
   * One step per shard the ranges of {@code keys} ask, in the order they are asked: the shards the
   * executor asks, the owners of the String keys {@code where} names exactly among them ({@link
   * SqlExecutor#pinnedKeys}, {@link ReadPath#shardsToAsk}).
   */
  private static List<Step> shardSteps(
      RoutingTable table,
      KeyRanges keys,
      Predicate where,
      String label,
      ReadFilter filter,
      boolean count,
      String router) {
    Map<String, List<KeyRange>> byShard = new LinkedHashMap<>();
    Map<String, ShardTopology> shards = new LinkedHashMap<>();
    java.util.Collection<Object> pinned = SqlExecutor.pinnedKeys(table, where);
    for (KeyRange r : SqlExecutor.readRanges(table, keys)) {
      for (ShardTopology s : ReadPath.shardsToAsk(table, r, pinned)) {
        byShard.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(r);
        shards.putIfAbsent(s.id(), s);
      }
    }
    String key = table.topology().schema().shardKey();
    List<Step> out = new ArrayList<>();
    byShard.forEach(
        (id, ranges) -> {
          ShardTopology s = shards.get(id);
          out.add(
              new Step(
                  table,
                  s,
                  label,
                  ranges,
                  access(table, s, ranges),
                  keyText(table, s, key, ranges),
                  filter,
                  count,
                  router));
        });
    return out;
  }

  /** How the router reads {@code shard}: point lookups, key ranges, or the whole shard. */
  static String access(RoutingTable table, ShardTopology shard, List<KeyRange> ranges) {
    if (ranges.stream().allMatch(r -> r.low() == r.high())) {
      return ranges.size() == 1
          ? "point lookup on the shard key"
          : "point lookups on the shard key (" + ranges.size() + " keys)";
    }
    if (ranges.size() == 1 && wholeShard(table, shard, ranges.get(0))) {
      return "full scan of the shard";
    }
    return ranges.size() == 1
        ? "key range on the shard key"
        : "key ranges on the shard key (" + ranges.size() + ")";
  }

  private static boolean wholeShard(RoutingTable table, ShardTopology shard, KeyRange r) {
    if (table.sharding() == Sharding.Hash) {
      return r.low() == Long.MIN_VALUE && r.high() == Long.MAX_VALUE;
    }
    return r.low() <= shard.low() && r.high() >= shard.highExclusive() - 1;
  }

  /** The keys asked of {@code shard}, as SQL (under Range, clamped to what the shard owns). */
  static String keyText(
      RoutingTable table, ShardTopology shard, String key, List<KeyRange> ranges) {
    if (ranges.stream().allMatch(r -> r.low() == r.high())) {
      if (ranges.size() == 1) {
        return key + " = " + ranges.get(0).low();
      }
      if (ranges.size() <= LISTED_KEYS) {
        return key
            + " IN ("
            + String.join(", ", ranges.stream().map(r -> Long.toString(r.low())).toList())
            + ")";
      }
      return key + " IN (" + ranges.size() + " keys)";
    }
    KeyRange r = ranges.get(0);
    if (table.sharding() == Sharding.Range) {
      r =
          new KeyRange(
              Math.max(r.low(), shard.low()), Math.min(r.high(), shard.highExclusive() - 1));
    }
    String first;
    if (r.low() == Long.MIN_VALUE && r.high() == Long.MAX_VALUE) {
      first = "all keys";
    } else if (r.low() == Long.MIN_VALUE) {
      first = key + " <= " + r.high();
    } else if (r.high() == Long.MAX_VALUE) {
      first = key + " >= " + r.low();
    } else {
      first = key + " BETWEEN " + r.low() + " AND " + r.high();
    }
    return ranges.size() == 1 ? first : first + " OR … (" + ranges.size() + " ranges)";
  }

  /**
   * What the router does with the shards' rows: joins them by key ({@code join}, null for one
   * table), checks what the shards could not, counts, groups, sorts and limits.
   */
  static String router(
      RoutingTable table, SqlPlan.Select select, boolean exact, boolean counted, String join) {
    List<String> parts = new ArrayList<>();
    if (join != null) {
      parts.add(join);
      if (!(select.where() instanceof Predicate.Always)) {
        parts.add("WHERE on the joined rows");
      }
    } else if (!exact) {
      parts.add("rest of WHERE in router");
    }
    if (counted) {
      parts.add("COUNT(*) summed over the shards' counts");
    } else if (select.grouping() != null) {
      parts.add(
          select.grouping().by().isEmpty()
              ? "aggregates in router"
              : "GROUP BY " + String.join(", ", select.grouping().by()) + " in router");
    } else if (select.countLabel() != null) {
      parts.add("COUNT(*) in router");
    }
    String key = table.topology().schema().shardKey();
    boolean keyOrder =
        select.orderBy().isEmpty()
            || select.orderBy().size() == 1
                && select.orderBy().get(0).column().equals(key)
                && !select.orderBy().get(0).descending();
    if (!select.orderBy().isEmpty() && (!keyOrder || select.grouping() != null)) {
      parts.add(
          "ORDER BY "
              + String.join(
                  ", ",
                  select.orderBy().stream()
                      .map(o -> o.column() + (o.descending() ? " DESC" : ""))
                      .toList())
              + " in router");
    } else if (!counted && select.grouping() == null && select.countLabel() == null) {
      parts.add(
          table.sharding() == Sharding.Hash
              ? "rows merged across shards in key order"
              : "rows in key order, shard after shard");
    }
    if (select.limit() != null) {
      boolean stops = keyOrder && select.grouping() == null && select.countLabel() == null;
      parts.add(
          "LIMIT "
              + select.limit()
              + (select.offset() > 0 ? " OFFSET " + select.offset() : "")
              + (stops ? " (stops the reads)" : " in router"));
    }
    return String.join("; ", parts);
  }

  /** A pushed-down filter as SQL text (null: none), values as literals. */
  static String filterText(ReadFilter f) {
    return f == null ? null : text(f, true);
  }

  private static String text(ReadFilter f, boolean top) {
    String op = f.op();
    if (ReadFilter.CONNECTIVES.contains(op)) {
      String joined =
          String.join(
              " " + op.toUpperCase(Locale.ROOT) + " ",
              f.of().stream().map(x -> text(x, false)).toList());
      return top ? joined : "(" + joined + ")";
    }
    String upper = op.toUpperCase(Locale.ROOT);
    if (ReadFilter.NULL_TESTS.contains(op)) {
      return f.column() + " " + upper;
    }
    List<String> vs = f.values().stream().map(SqlExplain::literal).toList();
    if (ReadFilter.LISTS.contains(op)) {
      return f.column() + " " + upper + " (" + String.join(", ", vs) + ")";
    }
    if (ReadFilter.RANGES.contains(op)) {
      return f.column() + " " + upper + " " + vs.get(0) + " AND " + vs.get(1);
    }
    return f.column() + " " + upper + " " + vs.get(0);
  }

  private static String literal(Object v) {
    return switch (v) {
      case null -> "NULL";
      case CharSequence s -> "'" + s.toString().replace("'", "''") + "'";
      case BigDecimal d -> d.toPlainString();
      default -> v.toString();
    };
  }
}
