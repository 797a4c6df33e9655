package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.Distinct;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * The grouped part of a SELECT, from its parse tree to a {@link SqlPlan.Grouping} (pure): {@code
 * GROUP BY} columns, {@code DISTINCT} (grouping by every column shown), and the aggregates {@code
 * COUNT(*)}, {@code COUNT(col)}, {@code SUM}, {@code MIN}, {@code MAX} and {@code AVG} of a column.
 * As MySQL's default {@code ONLY_FULL_GROUP_BY}, a column shown must be grouped or aggregated.
 * Refused, naming what: expressions, other functions, {@code COUNT(DISTINCT …)}, {@code HAVING},
 * {@code WITH ROLLUP}, grouping by a JSON column.
 */
final class SqlGrouping {
  private static final Set<String> AGGREGATES = Set.of("COUNT", "SUM", "MIN", "MAX", "AVG");

  private SqlGrouping() {}

  /** Whether {@code f} is one of the aggregates a grouped SELECT supports. */
  static boolean isAggregate(net.sf.jsqlparser.expression.Function f) {
    return f.getName() != null && AGGREGATES.contains(f.getName().toUpperCase(Locale.ROOT));
  }

  /**
   * The grouping of {@code select} over {@code schema}; {@code column} resolves a column reference
   * to its name in the schema (or fails naming the unknown column).
   */
  static SqlPlan.Grouping of(
      PlainSelect select, TableSchema schema, Function<Column, String> column) {
    return of(select, schema, column, Function.identity());
  }

  /**
   * As above, {@code label} naming a column shown without an alias (a join's columns are shown
   * without their table, as MySQL does).
   */
  static SqlPlan.Grouping of(
      PlainSelect select,
      TableSchema schema,
      Function<Column, String> column,
      Function<String, String> label) {
    Distinct distinct = select.getDistinct();
    if (distinct != null && (distinct.getOnSelectItems() != null || distinct.isUseUnique())) {
      throw unsupported("DISTINCT ON and UNIQUE are not supported (DISTINCT is)");
    }
    List<String> by = groupBy(select.getGroupBy(), schema, column);
    List<SqlPlan.Item> items =
        items(select, schema, column, label, distinct != null && by.isEmpty());
    if (distinct != null) {
      if (select.getGroupBy() != null || items.stream().anyMatch(i -> i.aggregate() != null)) {
        throw unsupported("DISTINCT together with GROUP BY or aggregates is not supported");
      }
      by = items.stream().map(SqlPlan.Item::column).distinct().toList();
    }
    List<String> labels = new ArrayList<>();
    for (SqlPlan.Item item : items) {
      if (item.aggregate() == null && !by.contains(item.column())) {
        throw new InvalidRequestException(
            "'"
                + item.label()
                + "' is neither in GROUP BY nor aggregated: add it to GROUP BY (MySQL's"
                + " ONLY_FULL_GROUP_BY)");
      }
      if (labels.stream().anyMatch(l -> l.equalsIgnoreCase(item.label()))) {
        throw unsupported(
            "two columns labelled '" + item.label() + "' are not supported: give one an alias");
      }
      labels.add(item.label());
    }
    return new SqlPlan.Grouping(by, items);
  }

  /**
   * ORDER BY of a grouped SELECT, each element naming an output column: its label, the column a
   * grouped item shows, the aggregate as written, or its position (1 = the first column).
   */
  static List<SqlPlan.Order> orderBy(PlainSelect select, SqlPlan.Grouping grouping) {
    List<SqlPlan.Order> order = new ArrayList<>();
    if (select.getOrderByElements() == null) {
      return order;
    }
    Map<String, String> written = new HashMap<>();
    List<SelectItem<?>> selectItems = select.getSelectItems();
    for (int i = 0; i < selectItems.size() && i < grouping.items().size(); i++) {
      written.put(
          selectItems.get(i).getExpression().toString().toUpperCase(Locale.ROOT),
          grouping.items().get(i).label());
    }
    for (OrderByElement o : select.getOrderByElements()) {
      if (o.getNullOrdering() != null) {
        throw unsupported("NULLS FIRST/LAST is not supported");
      }
      String label = label(o.getExpression(), grouping, written);
      if (label == null) {
        throw unsupported(
            "ORDER BY "
                + o.getExpression()
                + " is not supported in a grouped SELECT (order by a column or aggregate it shows)");
      }
      order.add(new SqlPlan.Order(label, !o.isAsc()));
    }
    return order;
  }

  private static String label(
      Expression e, SqlPlan.Grouping grouping, Map<String, String> written) {
    List<SqlPlan.Item> items = grouping.items();
    if (e instanceof LongValue position) {
      long n = position.getValue();
      return n >= 1 && n <= items.size() ? items.get((int) n - 1).label() : null;
    }
    if (e instanceof Column c) {
      String name = SqlLiterals.unquote(c.getColumnName());
      for (SqlPlan.Item item : items) {
        if (item.label().equalsIgnoreCase(name)) {
          return item.label();
        }
      }
      for (SqlPlan.Item item : items) {
        if (item.aggregate() == null && item.column().equalsIgnoreCase(name)) {
          return item.label();
        }
      }
      return null;
    }
    return written.get(e.toString().toUpperCase(Locale.ROOT));
  }

  private static List<String> groupBy(
      GroupByElement group, TableSchema schema, Function<Column, String> column) {
    List<String> by = new ArrayList<>();
    if (group == null) {
      return by;
    }
    if (group.isMysqlWithRollup()
        || (group.getGroupingSets() != null && !group.getGroupingSets().isEmpty())) {
      throw unsupported("WITH ROLLUP and GROUPING SETS are not supported");
    }
    ExpressionList<?> list = group.getGroupByExpressionList();
    for (Expression e : list == null ? List.<Expression>of() : list) {
      if (!(e instanceof Column c)) {
        throw unsupported("GROUP BY " + e + " is not supported (columns only)");
      }
      String name = column.apply(c);
      if (schema.column(name).type() == ColumnType.Json) {
        throw unsupported("GROUP BY a JSON column (" + name + ") is not supported");
      }
      if (!by.contains(name)) {
        by.add(name);
      }
    }
    return by;
  }

  private static List<SqlPlan.Item> items(
      PlainSelect select,
      TableSchema schema,
      Function<Column, String> column,
      Function<String, String> label,
      boolean distinctStar) {
    List<SqlPlan.Item> items = new ArrayList<>();
    for (SelectItem<?> item : select.getSelectItems()) {
      Expression e = item.getExpression();
      String alias =
          item.getAlias() == null ? null : SqlLiterals.unquote(item.getAlias().getName());
      if (e instanceof AllColumns
          && !(e instanceof net.sf.jsqlparser.statement.select.AllTableColumns)
          && distinctStar) {
        schema.columnNames().forEach(n -> items.add(new SqlPlan.Item(null, n, label.apply(n))));
      } else if (e instanceof AllColumns) {
        throw unsupported("* in a grouped SELECT is not supported (name the columns)");
      } else if (e instanceof Column c) {
        String name = column.apply(c);
        items.add(new SqlPlan.Item(null, name, alias == null ? label.apply(name) : alias));
      } else if (e instanceof net.sf.jsqlparser.expression.Function f && isAggregate(f)) {
        items.add(aggregate(f, alias, schema, column));
      } else {
        throw unsupported(
            "select item '"
                + e
                + "' is not supported (columns, *, COUNT, SUM, MIN, MAX, AVG of a column; no"
                + " expressions or other functions)");
      }
    }
    return items;
  }

  private static SqlPlan.Item aggregate(
      net.sf.jsqlparser.expression.Function f,
      String alias,
      TableSchema schema,
      Function<Column, String> column) {
    SqlPlan.Aggregate aggregate = SqlPlan.Aggregate.valueOf(f.getName().toUpperCase(Locale.ROOT));
    String label = alias != null ? alias : f.toString();
    if (f.isDistinct() || f.isUnique()) {
      throw unsupported(aggregate + "(DISTINCT ...) is not supported");
    }
    if (aggregate == SqlPlan.Aggregate.COUNT && SqlTranslator.isCountStar(f)) {
      return new SqlPlan.Item(aggregate, null, label);
    }
    ExpressionList<?> params = f.getParameters();
    if (params == null || params.size() != 1 || !(params.get(0) instanceof Column c)) {
      throw unsupported(
          f + " is not supported (" + aggregate + " of one column" + countStar(aggregate) + ")");
    }
    String name = column.apply(c);
    ColumnType type = schema.column(name).type();
    boolean numeric =
        type == ColumnType.Number || type == ColumnType.Decimal || type == ColumnType.Boolean;
    if ((aggregate == SqlPlan.Aggregate.SUM || aggregate == SqlPlan.Aggregate.AVG) && !numeric) {
      throw unsupported(aggregate + " of " + type + " column " + name + " is not supported");
    }
    if (type == ColumnType.Json && aggregate != SqlPlan.Aggregate.COUNT) {
      throw unsupported(aggregate + " of JSON column " + name + " is not supported");
    }
    return new SqlPlan.Item(aggregate, name, label);
  }

  private static String countStar(SqlPlan.Aggregate aggregate) {
    return aggregate == SqlPlan.Aggregate.COUNT ? ", or COUNT(*)" : "";
  }

  private static InvalidRequestException unsupported(String message) {
    return new InvalidRequestException(message);
  }
}
