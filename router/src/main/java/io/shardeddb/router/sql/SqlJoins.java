package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.router.topology.RoutingTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.PlainSelect;
import reactor.core.publisher.Flux;

/**
 * A join of two tables on their shard keys, from the parse tree to what {@link SqlTranslator} and
 * {@link SqlExecutor} need (pure; docs/sql.md, "Joins"). Rows of every table with the same shard
 * key live on the same shard, so {@code a JOIN b ON a.k = b.k} (each side's shard key) is, on each
 * shard, the join of that shard's rows: no row has to meet a row of another shard. The joined rows
 * are rows of a derived table, the <em>view</em>, whose columns are {@code qualifier.column} (the
 * alias, or the table's name) with each column's type, so the rest of the SELECT (columns, WHERE,
 * ORDER BY, GROUP BY, aggregates, LIMIT) is translated and shaped as for one table. Refused, naming
 * the limit: more than two tables, comma and cross joins, RIGHT/FULL/NATURAL joins, {@code USING},
 * an ON that is not the two shard keys' equality, a subquery as a side, one alias twice.
 *
 * <p>Why this file is over 450 lines: it is the one definition of what a join is here — which joins
 * are taken and why the others are refused, how a column of either table is named, which of the
 * WHERE's conditions each table's read may apply, and how the two tables' rows meet — kept together
 * so that the planning and the merge agree on the view's names.
 */
final class SqlJoins {
  private SqlJoins() {}

  /** The message of an ON that is not the shard keys' equality. */
  static final String KEYS_ONLY = "joins must equate the two tables' shard keys (a.x = b.y)";

  /**
   * The two tables of a join and how they meet: {@code left} and {@code right} with their
   * qualifiers, {@code leftOuter} for {@code LEFT JOIN}, and the {@code view} their joined rows are
   * rows of.
   */
  record Scope(
      TableSchema left,
      String leftQualifier,
      TableSchema right,
      String rightQualifier,
      boolean leftOuter,
      TableSchema view) {

    /**
     * The view's name of the column {@code name} (qualified by {@code qualifier}, or null:
     * whichever table has it, refused when both do), or a 400 naming what is wrong.
     */
    String resolve(String qualifier, String name) {
      if (name.equalsIgnoreCase(SqlPlan.TIMESTAMP_COLUMN)
          && left.columns().stream().noneMatch(c -> c.name().equalsIgnoreCase(name))
          && right.columns().stream().noneMatch(c -> c.name().equalsIgnoreCase(name))) {
        throw unsupported(
            SqlPlan.TIMESTAMP_COLUMN + " (a row's global timestamp) is not supported in a join");
      }
      if (qualifier != null) {
        if (qualifier.equalsIgnoreCase(leftQualifier)) {
          return qualified(leftQualifier, left, name);
        }
        if (qualifier.equalsIgnoreCase(rightQualifier)) {
          return qualified(rightQualifier, right, name);
        }
        throw unsupported(
            "unknown table '"
                + qualifier
                + "' in column "
                + qualifier
                + "."
                + name
                + " (the join's tables are "
                + leftQualifier
                + " and "
                + rightQualifier
                + ")");
      }
      Column l = find(left, name);
      Column r = find(right, name);
      if (l != null && r != null) {
        throw unsupported(
            "column '"
                + name
                + "' is ambiguous: both "
                + leftQualifier
                + " and "
                + rightQualifier
                + " have it; qualify it ("
                + leftQualifier
                + "."
                + l.name()
                + ")");
      }
      if (l == null && r == null) {
        throw unsupported(
            "unknown column '"
                + name
                + "' (the join's tables "
                + leftQualifier
                + " and "
                + rightQualifier
                + " have "
                + view.columnNames()
                + ")");
      }
      return l != null ? leftQualifier + "." + l.name() : rightQualifier + "." + r.name();
    }

    /** The view's columns of the table qualified {@code qualifier} ({@code q.*}). */
    List<String> columnsOf(String qualifier) {
      if (qualifier.equalsIgnoreCase(leftQualifier)) {
        return left.columnNames().stream().map(n -> leftQualifier + "." + n).toList();
      }
      if (qualifier.equalsIgnoreCase(rightQualifier)) {
        return right.columnNames().stream().map(n -> rightQualifier + "." + n).toList();
      }
      throw unsupported(
          "unknown table '"
              + qualifier
              + "' in "
              + qualifier
              + ".* (the join's tables are "
              + leftQualifier
              + " and "
              + rightQualifier
              + ")");
    }

    /**
     * The view's columns that are a shard key every joined row can be read by: both keys of an
     * inner join (they are equal in each row), the left key only of a LEFT JOIN (the right one is
     * NULL in a row without a match).
     */
    Set<String> keyColumns() {
      String l = leftQualifier + "." + left.shardKey();
      return leftOuter ? Set.of(l) : Set.of(l, rightQualifier + "." + right.shardKey());
    }

    /**
     * The plan of the join whose SELECT over the view is {@code select}: each side reads the keys
     * the SELECT reads, with the WHERE's conjuncts on that table alone (pushed to the shards and
     * checked before the rows meet; in a LEFT JOIN the right side's stay in the WHERE only, since
     * filtering it first would turn a dropped row into a row without a match).
     */
    SqlPlan.Join plan(SqlPlan.Select select) {
      List<Predicate> leftOnly = new ArrayList<>();
      List<Predicate> rightOnly = new ArrayList<>();
      for (Predicate p : conjuncts(select.where())) {
        Set<String> cols = columns(p);
        if (cols.isEmpty()) {
          continue;
        }
        if (cols.stream().allMatch(c -> c.startsWith(leftQualifier + "."))) {
          leftOnly.add(unqualified(p, leftQualifier));
        } else if (!leftOuter && cols.stream().allMatch(c -> c.startsWith(rightQualifier + "."))) {
          rightOnly.add(unqualified(p, rightQualifier));
        }
      }
      return new SqlPlan.Join(
          select,
          view,
          new SqlPlan.JoinSide(left, leftQualifier, and(leftOnly)),
          new SqlPlan.JoinSide(right, rightQualifier, and(rightOnly)),
          leftOuter);
    }
  }

  /**
   * The join of {@code select} (which has joins; its FROM is {@code from}) among {@code tables}, or
   * a 400 naming what is not supported.
   */
  static Scope of(PlainSelect select, Table from, TableSet tables) {
    List<Join> joins = select.getJoins();
    if (joins.size() > 1) {
      throw unsupported(
          "joins of more than two tables are not supported (a join of two tables on their shard"
              + " keys is)");
    }
    Join j = joins.get(0);
    if (j.isSimple() || j.isCross()) {
      throw unsupported(
          "comma and CROSS joins are not supported: " + KEYS_ONLY + ", as JOIN ... ON a.k = b.k");
    }
    if (j.isRight()
        || j.isFull()
        || j.isNatural()
        || j.isSemi()
        || j.isApply()
        || j.isStraight()
        || j.isWindowJoin()
        || j.isGlobal()
        || (j.isOuter() && !j.isLeft())) {
      throw unsupported(
          "this kind of join is not supported ('"
              + j
              + "'): JOIN, INNER JOIN and LEFT JOIN on the shard keys are");
    }
    if (j.getUsingColumns() != null && !j.getUsingColumns().isEmpty()) {
      throw unsupported("JOIN ... USING is not supported: " + KEYS_ONLY + ", as ON a.k = b.k");
    }
    if (!(j.getRightItem() instanceof Table to)) {
      throw unsupported("subqueries are not supported (JOIN must name a table)");
    }
    TableSchema left = table(from, tables);
    TableSchema right = table(to, tables);
    String lq = qualifier(from, left);
    String rq = qualifier(to, right);
    if (lq.equalsIgnoreCase(rq)) {
      throw unsupported(
          "not unique table/alias: '" + rq + "' (give the second " + right.table() + " an alias)");
    }
    boolean leftOuter = j.isLeft();
    Scope scope = new Scope(left, lq, right, rq, leftOuter, view(left, lq, right, rq, leftOuter));
    checkOn(j, scope);
    return scope;
  }

  /** ON must be {@code a.k = b.k}: the shard key of each side, one on each side. */
  private static void checkOn(Join j, Scope scope) {
    List<Expression> on =
        j.getOnExpressions() == null ? List.of() : List.copyOf(j.getOnExpressions());
    Expression e = on.size() == 1 ? on.get(0) : null;
    while (e instanceof Parenthesis p) {
      e = p.getExpression();
    }
    String got = on.isEmpty() ? "no ON" : "ON " + on.get(0);
    if (!(e instanceof EqualsTo eq)
        || !SqlLiterals.isColumnRef(eq.getLeftExpression())
        || !SqlLiterals.isColumnRef(eq.getRightExpression())) {
      throw keysOnly(scope, got);
    }
    String a = resolve(scope, (net.sf.jsqlparser.schema.Column) eq.getLeftExpression());
    String b = resolve(scope, (net.sf.jsqlparser.schema.Column) eq.getRightExpression());
    String lk = scope.leftQualifier() + "." + scope.left().shardKey();
    String rk = scope.rightQualifier() + "." + scope.right().shardKey();
    if (!(a.equals(lk) && b.equals(rk) || a.equals(rk) && b.equals(lk))) {
      throw keysOnly(scope, got);
    }
  }

  private static String resolve(Scope scope, net.sf.jsqlparser.schema.Column c) {
    String q =
        c.getTable() == null || c.getTable().getName() == null
            ? null
            : SqlLiterals.unquote(c.getTable().getName());
    return scope.resolve(q, SqlLiterals.unquote(c.getColumnName()));
  }

  private static InvalidRequestException keysOnly(Scope scope, String got) {
    return unsupported(
        KEYS_ONLY
            + ": ON "
            + scope.leftQualifier()
            + "."
            + scope.left().shardKey()
            + " = "
            + scope.rightQualifier()
            + "."
            + scope.right().shardKey()
            + ", got "
            + got
            + " (other join conditions are not supported: rows of two tables are on one shard"
            + " when their shard keys are equal; put other conditions in WHERE)");
  }

  private static TableSchema table(Table t, TableSet tables) {
    if (t.getSchemaName() != null
        || t.getDatabase() != null && t.getDatabase().getDatabaseName() != null) {
      throw unsupported("qualified table names are not supported; use " + t.getName());
    }
    String name = SqlLiterals.unquote(t.getName());
    TableSchema found = tables.tableOrNull(name);
    if (found == null) {
      throw RoutingTable.unknownTable(name, tables);
    }
    return found;
  }

  private static String qualifier(Table t, TableSchema schema) {
    if (t.getAlias() == null) {
      return schema.table();
    }
    if (t.getAlias().getAliasColumns() != null && !t.getAlias().getAliasColumns().isEmpty()) {
      throw unsupported("column lists in a table alias are not supported");
    }
    String alias = SqlLiterals.unquote(t.getAlias().getName());
    if (alias.indexOf('.') >= 0) {
      throw unsupported("a table alias with a dot ('" + alias + "') is not supported");
    }
    return alias;
  }

  /** The joined rows' table: {@code lq.col} for each left column, then {@code rq.col}. */
  private static TableSchema view(
      TableSchema left, String lq, TableSchema right, String rq, boolean leftOuter) {
    List<Column> columns = new ArrayList<>();
    for (Column c : left.columns()) {
      columns.add(new Column(lq + "." + c.name(), c.type(), c.nullable(), null, null));
    }
    for (Column c : right.columns()) {
      // A LEFT JOIN's row without a match has NULL in every right column.
      Boolean nullable = leftOuter ? Boolean.TRUE : c.nullable();
      columns.add(new Column(rq + "." + c.name(), c.type(), nullable, null, null));
    }
    String name = left.table() + (leftOuter ? " LEFT JOIN " : " JOIN ") + right.table();
    return new TableSchema(name, lq + "." + left.shardKey(), columns);
  }

  /** The name a view's column is shown under when the SELECT gives none: MySQL's, unqualified. */
  static String label(String viewColumn) {
    int dot = viewColumn.indexOf('.');
    return dot < 0 ? viewColumn : viewColumn.substring(dot + 1);
  }

  /**
   * One joined row: the view's columns from {@code left} and {@code right} (null: a LEFT JOIN's row
   * without a match, every right column NULL).
   */
  static Map<String, Object> joined(
      SqlPlan.Join join, Map<String, Object> left, Map<String, Object> right) {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    String lq = join.left().qualifier() + ".";
    String rq = join.right().qualifier() + ".";
    for (String c : join.left().table().columnNames()) {
      row.put(lq + c, left.get(c));
    }
    for (String c : join.right().table().columnNames()) {
      row.put(rq + c, right == null ? null : right.get(c));
    }
    return row;
  }

  /** Rows of each side the key-order merge takes ahead (a page is fetched as they are used). */
  private static final int MERGE_PREFETCH = 16;

  /** A row of one side of a join with its shard key. */
  private record Keyed(boolean left, Object key, Map<String, Object> row) {}

  /**
   * The joined rows of {@code join} from its sides' rows, each in ascending shard-key order (as the
   * router's range reads deliver them) with one row per key in a table (the shard key is the
   * primary key): the two streams are merged by key, so the rows of one key — one shard's — are
   * next to each other and meet there; the result is in key order too. Nothing is held but the rows
   * of the key at hand and the merge's prefetch, and cancelling it cancels both reads.
   */
  static Flux<Map<String, Object>> byKey(
      SqlPlan.Join join, Flux<Map<String, Object>> left, Flux<Map<String, Object>> right) {
    String lk = join.left().table().shardKey();
    String rk = join.right().table().shardKey();
    Flux<Keyed> l = left.map(row -> new Keyed(true, ShardKeys.normalize(row.get(lk)), row));
    Flux<Keyed> r = right.map(row -> new Keyed(false, ShardKeys.normalize(row.get(rk)), row));
    return Flux.mergeComparing(
            MERGE_PREFETCH, Comparator.comparing(Keyed::key, ShardKeys.ORDER), l, r)
        .bufferUntilChanged(Keyed::key)
        .concatMapIterable(rows -> meet(join, rows));
  }

  /** The joined rows of the rows of one key (of both sides). */
  private static List<Map<String, Object>> meet(SqlPlan.Join join, List<Keyed> rows) {
    List<Map<String, Object>> lefts = new ArrayList<>();
    List<Map<String, Object>> rights = new ArrayList<>();
    for (Keyed k : rows) {
      (k.left() ? lefts : rights).add(k.row());
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> l : lefts) {
      if (rights.isEmpty() && join.leftOuter()) {
        out.add(joined(join, l, null));
      }
      for (Map<String, Object> r : rights) {
        out.add(joined(join, l, r));
      }
    }
    return out;
  }

  /** The refusal of a join inside {@code BEGIN ... COMMIT}. */
  static InvalidRequestException notInTransactions() {
    return unsupported(
        "joins inside a transaction (BEGIN ... COMMIT) are not supported; run the join outside"
            + " it (each statement then reads on its own)");
  }

  // ---------------------------------------------------------------- the WHERE's parts

  /** The operands of {@code p}'s top-level ANDs. */
  static List<Predicate> conjuncts(Predicate p) {
    List<Predicate> out = new ArrayList<>();
    if (p instanceof Predicate.And a) {
      out.addAll(conjuncts(a.left()));
      out.addAll(conjuncts(a.right()));
    } else if (!(p instanceof Predicate.Always)) {
      out.add(p);
    }
    return out;
  }

  private static Predicate and(List<Predicate> parts) {
    Predicate out = new Predicate.Always();
    for (Predicate p : parts) {
      out = out instanceof Predicate.Always ? p : new Predicate.And(out, p);
    }
    return out;
  }

  /** The columns {@code p} names. */
  static Set<String> columns(Predicate p) {
    Set<String> out = new LinkedHashSet<>();
    collect(p, out);
    return out;
  }

  private static void collect(Predicate p, Set<String> out) {
    switch (p) {
      case Predicate.Always a -> {}
      case Predicate.And a -> {
        collect(a.left(), out);
        collect(a.right(), out);
      }
      case Predicate.Or o -> {
        collect(o.left(), out);
        collect(o.right(), out);
      }
      case Predicate.Not n -> collect(n.inner(), out);
      case Predicate.Compare c -> out.add(c.column());
      case Predicate.JsonCompare j -> out.add(j.column());
      case Predicate.In in -> out.add(in.column());
      case Predicate.Between b -> out.add(b.column());
      case Predicate.IsNull n -> out.add(n.column());
      case Predicate.Like l -> out.add(l.column());
    }
  }

  /** {@code p} with {@code qualifier.} taken off every column: a condition on that table alone. */
  static Predicate unqualified(Predicate p, String qualifier) {
    int n = qualifier.length() + 1;
    return switch (p) {
      case Predicate.Always a -> a;
      case Predicate.And a ->
          new Predicate.And(unqualified(a.left(), qualifier), unqualified(a.right(), qualifier));
      case Predicate.Or o ->
          new Predicate.Or(unqualified(o.left(), qualifier), unqualified(o.right(), qualifier));
      case Predicate.Not x -> new Predicate.Not(unqualified(x.inner(), qualifier));
      case Predicate.Compare c -> new Predicate.Compare(c.column().substring(n), c.op(), c.value());
      case Predicate.JsonCompare j ->
          new Predicate.JsonCompare(j.column().substring(n), j.path(), j.op(), j.value());
      case Predicate.In in -> new Predicate.In(in.column().substring(n), in.values(), in.negated());
      case Predicate.Between b ->
          new Predicate.Between(b.column().substring(n), b.low(), b.high(), b.negated());
      case Predicate.IsNull x -> new Predicate.IsNull(x.column().substring(n), x.negated());
      case Predicate.Like l ->
          new Predicate.Like(l.column().substring(n), l.pattern(), l.negated());
    };
  }

  private static Column find(TableSchema t, String name) {
    for (Column c : t.columns()) {
      if (c.name().equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }

  private static String qualified(String qualifier, TableSchema t, String name) {
    Column c = find(t, name);
    if (c == null) {
      throw unsupported(
          "unknown column '"
              + qualifier
              + "."
              + name
              + "' (table "
              + t.table()
              + " has "
              + t.columnNames()
              + ")");
    }
    return qualifier + "." + c.name();
  }

  private static InvalidRequestException unsupported(String message) {
    return new InvalidRequestException(message);
  }
}
