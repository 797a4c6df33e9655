package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.router.topology.RoutingTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Turns one SQL statement into a {@link SqlPlan} on one of the database's tables (the one it names,
 * ignoring case: {@link #table()}), or fails with an {@link InvalidRequestException} (400) that
 * names what is not supported. Pure: it only parses (JSqlParser, MySQL's backslash escapes on) and
 * checks against the schema; no I/O. Values leave it as typed Java values, never as SQL text, so
 * nothing the client wrote reaches MySQL as SQL.
 *
 * <p>Why this file is over 450 lines: it is one walk over JSqlParser's tree per statement kind
 * (INSERT, UPDATE, DELETE, SELECT) against one schema, sharing the WHERE translation and the column
 * and value checks, so what is supported reads as one list. Literal values ({@link SqlLiterals})
 * and the keys a WHERE can match ({@link PredicateKeys}) are pure and live apart.
 */
public final class SqlTranslator {
  /** The longest statement accepted, in characters. */
  public static final int MAX_QUERY_CHARS = 64 * 1024;

  /** The most rows one INSERT may carry (the same order as a /write a client would send). */
  public static final int MAX_INSERT_ROWS = 10_000;

  /** The deepest WHERE tree accepted (AND/OR/NOT/parentheses levels). */
  public static final int MAX_WHERE_DEPTH = 256;

  /** The database's tables (null: it has none yet). */
  private final TableSet tables;

  /** The table the statement is of, once its name is resolved ({@link #table(Table)}). */
  private TableSchema schema;

  private final SqlParser parser;

  /** The join the SELECT being translated reads (null: one table; docs/sql.md, "Joins"). */
  private SqlJoins.Scope join;

  /** Whether the WHERE being translated is a SELECT's, which may name {@code _timestamp}. */
  private boolean timestampsReadable;

  /** A translator for a database of one table ({@code schema}; null: none yet). */
  public SqlTranslator(TableSchema schema, SqlParser parser) {
    this(schema == null ? null : new TableSet(schema, List.of()), parser);
  }

  /** A translator for a database of {@code tables} (null: none yet). */
  public SqlTranslator(TableSet tables, SqlParser parser) {
    this.tables = tables;
    this.schema = tables == null ? null : tables.first();
    this.parser = parser;
  }

  /**
   * The table the last translated statement is of (its rows, or the table DDL changes, creates or
   * drops), resolved among the database's tables ignoring case; null when it named none.
   */
  public TableSchema table() {
    return resolved ? schema : null;
  }

  /** Whether {@link #schema} is the statement's table (resolved from its name). */
  private boolean resolved;

  /** The plan for {@code sql}, or a 400 naming the first thing that is not supported. */
  public SqlPlan translate(String sql) {
    if (join != null) {
      // The last statement was a join: this one starts from the database's tables again.
      join = null;
      schema = tables.first();
      resolved = false;
    }
    if (sql == null || sql.isBlank()) {
      throw unsupported("the query is empty");
    }
    if (sql.length() > MAX_QUERY_CHARS) {
      throw unsupported("the query is longer than " + MAX_QUERY_CHARS + " characters");
    }
    String explained = SqlExplain.innerSelect(sql);
    if (explained != null) {
      SqlPlan of = translate(explained);
      if (!(of instanceof SqlPlan.Select || of instanceof SqlPlan.Join)) {
        throw unsupported(
            "EXPLAIN of "
                + of.kind().toUpperCase(Locale.ROOT)
                + " is not supported: EXPLAIN takes a SELECT");
      }
      return new SqlPlan.Explain(of);
    }
    Statements statements = parser.parse(sql);
    if (statements == null || statements.isEmpty()) {
      throw unsupported("the query holds no statement");
    }
    if (statements.size() > 1) {
      throw unsupported(
          "several statements in one query are not supported (got "
              + statements.size()
              + "); send one per request");
    }
    Statement s = statements.get(0);
    if (tables == null) {
      if (s instanceof net.sf.jsqlparser.statement.create.table.CreateTable create) {
        return new SqlPlan.CreateTable(SqlDdl.createTable(create));
      }
      throw new io.shardeddb.router.ApiException(
          409,
          "database is not configured yet: create its table (CREATE TABLE, the admin credential)"
              + " or call /init first");
    }
    if (s instanceof net.sf.jsqlparser.statement.create.table.CreateTable create) {
      return createTable(create);
    }
    if (s instanceof Insert insert) {
      return insert(insert);
    }
    if (s instanceof Update update) {
      return update(update);
    }
    if (s instanceof Delete delete) {
      return delete(delete);
    }
    if (s instanceof PlainSelect select) {
      return select(select);
    }
    if (s instanceof net.sf.jsqlparser.statement.alter.Alter alter) {
      table(alter.getTable());
      return SqlDdl.alter(schema, alter);
    }
    if (s instanceof net.sf.jsqlparser.statement.create.index.CreateIndex create) {
      table(create.getTable());
      return SqlDdl.createIndex(schema, create);
    }
    if (s instanceof net.sf.jsqlparser.statement.drop.Drop drop) {
      return drop(drop);
    }
    if (s instanceof Select) {
      throw unsupported(
          "only a plain SELECT on table "
              + schema.table()
              + " is supported (UNION, VALUES, parenthesised or nested selects are not)");
    }
    String name = statementName(s);
    if (name.equals("COMMIT")
        || name.equals("ROLLBACK")
        || s.getClass().getSimpleName().equals("Block")) {
      throw unsupported(
          name
              + " is not supported on /query: every /query statement commits on its own;"
              + " transactions (BEGIN ... COMMIT) run over the MySQL port, whose session holds them"
              + " (docs/sql.md, \"Transactions\")");
    }
    throw unsupported(
        name
            + " statements are not supported (only SELECT, INSERT, UPDATE, DELETE, CREATE TABLE,"
            + " DROP TABLE, ALTER TABLE ... ADD | DROP COLUMN | ADD INDEX | DROP INDEX, CREATE"
            + " INDEX and DROP INDEX)");
  }

  // ---------------------------------------------------------------- CREATE and DROP TABLE

  /**
   * {@code CREATE TABLE} on a database that has tables: another table (docs/sql.md, "More tables");
   * naming an existing one is refused, or nothing with {@code IF NOT EXISTS}.
   */
  private SqlPlan createTable(net.sf.jsqlparser.statement.create.table.CreateTable create) {
    String name = create.getTable() == null ? "" : unquoteName(create.getTable().getName());
    TableSchema existing = tables.tableOrNull(name);
    if (existing != null) {
      schema = existing;
      resolved = true;
      if (create.isIfNotExists()) {
        return new SqlPlan.ChangeSchema(List.of(), existing);
      }
      throw unsupported("table '" + existing.table() + "' already exists");
    }
    TableSchema created = SqlDdl.createTable(create);
    String refusal = tables.refusal(new TableSet.Step(created, false));
    if (refusal != null) {
      throw unsupported("CREATE TABLE " + created.table() + ": " + refusal);
    }
    schema = created;
    resolved = true;
    return new SqlPlan.CreateTable(created);
  }

  /**
   * {@code DROP TABLE t} (a table other than the first; {@code IF EXISTS} of one that is not there
   * does nothing) or {@code DROP INDEX name ON t}.
   */
  private SqlPlan drop(net.sf.jsqlparser.statement.drop.Drop drop) {
    if (!"TABLE".equalsIgnoreCase(drop.getType())) {
      List<String> params = drop.getParameters() == null ? List.of() : drop.getParameters();
      if ("INDEX".equalsIgnoreCase(drop.getType())
          && params.size() == 2
          && params.get(0).equalsIgnoreCase("ON")) {
        table(new Table(params.get(1)));
      }
      return SqlDdl.dropIndex(schema, drop);
    }
    if (drop.getName() == null
        || drop.getName().getSchemaName() != null
        || notEmpty(drop.getParameters())) {
      throw unsupported("DROP TABLE takes one table name (no list, no CASCADE)");
    }
    String name = unquoteName(drop.getName().getName());
    TableSchema gone = tables.tableOrNull(name);
    if (gone == null && drop.isIfExists()) {
      return new SqlPlan.DropTable(name, false);
    }
    if (gone == null) {
      throw RoutingTable.unknownTable(name, tables);
    }
    String refusal = tables.refusal(new TableSet.Step(gone, true));
    if (refusal != null) {
      throw unsupported("DROP TABLE " + gone.table() + " is not supported: " + refusal);
    }
    schema = gone;
    resolved = true;
    return new SqlPlan.DropTable(gone.table(), true);
  }

  // ---------------------------------------------------------------- INSERT

  private SqlPlan insert(Insert insert) {
    table(insert.getTable());
    if (insert.getWithItemsList() != null && !insert.getWithItemsList().isEmpty()) {
      throw unsupported("WITH is not supported");
    }
    if (insert.isUseDuplicate() || insert.getDuplicateUpdateSets() != null) {
      throw unsupported("INSERT ... ON DUPLICATE KEY UPDATE is not supported");
    }
    if (insert.getConflictAction() != null || insert.getConflictTarget() != null) {
      throw unsupported("INSERT ... ON CONFLICT is not supported");
    }
    if (insert.isModifierIgnore() || insert.getModifierPriority() != null) {
      throw unsupported("INSERT modifiers (IGNORE, priorities) are not supported");
    }
    if (insert.getReturningClause() != null || insert.getOutputClause() != null) {
      throw unsupported("RETURNING/OUTPUT is not supported");
    }
    if (insert.isUseSet() || insert.getSetUpdateSets() != null) {
      throw unsupported("INSERT ... SET is not supported; use INSERT ... VALUES");
    }
    // Insert.getValues() casts blindly, so ask the select's type first.
    if (!(insert.getSelect() instanceof Values values)) {
      throw unsupported("INSERT ... SELECT is not supported; use INSERT ... VALUES");
    }
    List<String> columns = new ArrayList<>();
    if (insert.getColumns() == null || insert.getColumns().isEmpty()) {
      columns.addAll(schema.columnNames());
    } else {
      Set<String> seen = new HashSet<>();
      for (net.sf.jsqlparser.schema.Column c : insert.getColumns()) {
        String name = column(c);
        if (!seen.add(name)) {
          throw unsupported("column '" + name + "' is named twice in the INSERT column list");
        }
        columns.add(name);
      }
    }
    List<List<Expression>> tuples = tuples(values.getExpressions());
    if (tuples.size() > MAX_INSERT_ROWS) {
      throw unsupported("an INSERT may carry at most " + MAX_INSERT_ROWS + " rows");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < tuples.size(); i++) {
      List<Expression> tuple = tuples.get(i);
      if (tuple.size() != columns.size()) {
        throw unsupported(
            "row "
                + (i + 1)
                + " has "
                + tuple.size()
                + " values for "
                + columns.size()
                + " columns");
      }
      try {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
          row.put(columns.get(c), typed(columns.get(c), tuple.get(c)));
        }
        rows.add(schema.coerceRow(row));
      } catch (InvalidRequestException e) {
        throw unsupported("row " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new SqlPlan.Insert(rows);
  }

  /** The rows of a VALUES list: one tuple, or several parenthesised ones. */
  private static List<List<Expression>> tuples(ExpressionList<?> list) {
    List<List<Expression>> out = new ArrayList<>();
    if (list == null || list.isEmpty()) {
      throw unsupported("INSERT needs at least one row of VALUES");
    }
    boolean multi = list.stream().allMatch(e -> e instanceof ParenthesedExpressionList<?>);
    if (multi) {
      for (Expression e : list) {
        out.add(new ArrayList<>((ParenthesedExpressionList<?>) e));
      }
    } else {
      out.add(new ArrayList<>(list));
    }
    return out;
  }

  // ---------------------------------------------------------------- UPDATE

  private SqlPlan update(Update update) {
    table(update.getTable());
    if (update.getWithItemsList() != null && !update.getWithItemsList().isEmpty()) {
      throw unsupported("WITH is not supported");
    }
    if (notEmpty(update.getJoins()) || notEmpty(update.getStartJoins())) {
      throw unsupported("joins are not supported");
    }
    if (update.getFromItem() != null || update.getSelect() != null) {
      throw unsupported("UPDATE ... FROM and subqueries are not supported");
    }
    if (notEmpty(update.getOrderByElements()) || update.getLimit() != null) {
      throw unsupported("UPDATE with ORDER BY or LIMIT is not supported");
    }
    if (update.getReturningClause() != null || update.getOutputClause() != null) {
      throw unsupported("RETURNING/OUTPUT is not supported");
    }
    if (update.isModifierIgnore() || update.getModifierPriority() != null) {
      throw unsupported("UPDATE modifiers (IGNORE, priorities) are not supported");
    }
    if (update.getWhere() == null) {
      throw unsupported(
          "UPDATE without WHERE is not supported (name the rows, e.g. WHERE "
              + schema.shardKey()
              + " = ...)");
    }
    Map<String, Object> assignments = new LinkedHashMap<>();
    for (UpdateSet set : update.getUpdateSets()) {
      if (set.getColumns().size() != set.getValues().size()) {
        throw unsupported("SET lists " + set.getColumns().size() + " columns but other values");
      }
      for (int i = 0; i < set.getColumns().size(); i++) {
        String name = column(set.getColumns().get(i));
        if (name.equals(schema.shardKey())) {
          throw unsupported("SET " + name + " is not supported: a row's shard key cannot change");
        }
        if (schema.isKeyColumn(name)) {
          throw unsupported(
              "SET " + name + " is not supported: a row's primary key columns cannot change");
        }
        if (assignments.containsKey(name)) {
          throw unsupported("column '" + name + "' is set twice");
        }
        Expression value = set.getValues().get(i);
        if (!SqlLiterals.isLiteral(value)) {
          throw unsupported(
              "SET "
                  + name
                  + " = "
                  + value
                  + " is not supported: only literal values can be assigned");
        }
        assignments.put(name, typed(name, value));
      }
    }
    try {
      schema.coercePartialRow(assignments);
    } catch (InvalidRequestException e) {
      throw unsupported(e.getMessage());
    }
    Predicate where = predicate(update.getWhere());
    return new SqlPlan.Update(keys(where), where, assignments);
  }

  // ---------------------------------------------------------------- DELETE

  private SqlPlan delete(Delete delete) {
    if (notEmpty(delete.getTables()) || notEmpty(delete.getUsingList())) {
      throw unsupported("multi-table DELETE is not supported");
    }
    table(delete.getTable());
    if (delete.getWithItemsList() != null && !delete.getWithItemsList().isEmpty()) {
      throw unsupported("WITH is not supported");
    }
    if (notEmpty(delete.getJoins())) {
      throw unsupported("joins are not supported");
    }
    if (notEmpty(delete.getOrderByElements()) || delete.getLimit() != null) {
      throw unsupported("DELETE with ORDER BY or LIMIT is not supported");
    }
    if (delete.getReturningClause() != null || delete.getOutputClause() != null) {
      throw unsupported("RETURNING/OUTPUT is not supported");
    }
    if (delete.isModifierIgnore()
        || delete.isModifierQuick()
        || delete.getModifierPriority() != null) {
      throw unsupported("DELETE modifiers (IGNORE, QUICK, priorities) are not supported");
    }
    if (delete.getWhere() == null) {
      throw unsupported(
          "DELETE without WHERE is not supported (name the rows, e.g. WHERE "
              + schema.shardKey()
              + " = ...)");
    }
    Predicate where = predicate(delete.getWhere());
    return new SqlPlan.Delete(keys(where), where);
  }

  // ---------------------------------------------------------------- SELECT

  private SqlPlan select(PlainSelect select) {
    if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
      throw unsupported("WITH (common table expressions) is not supported");
    }
    if (select.getFromItem() == null) {
      throw unsupported("SELECT without FROM " + schema.table() + " is not supported");
    }
    if (!(select.getFromItem() instanceof Table from)) {
      throw unsupported(
          "subqueries are not supported (FROM must name table " + schema.table() + ")");
    }
    if (notEmpty(select.getJoins())) {
      // Two tables on their shard keys: the rest is translated over the joined rows' view.
      join = SqlJoins.of(select, from, tables);
      schema = join.view();
      resolved = true;
    } else {
      table(from);
      if (from.getAlias() != null) {
        throw unsupported("table aliases are not supported (except in a join)");
      }
    }
    if (select.getHaving() != null) {
      throw unsupported("HAVING is not supported (filter the rows with WHERE)");
    }
    if (select.getIntoTables() != null
        || select.getForMode() != null
        || select.getForClause() != null
        || select.getFetch() != null
        || select.getTop() != null
        || select.getFirst() != null
        || select.getSkip() != null
        || select.getLimitBy() != null
        || select.getQualify() != null
        || notEmpty(select.getWindowDefinitions())
        || notEmpty(select.getLateralViews())
        || select.getOracleHierarchical() != null
        || select.getIsolation() != null
        || select.getSampleClause() != null) {
      throw unsupported(
          "only SELECT columns FROM table [WHERE] [GROUP BY] [ORDER BY] [LIMIT [OFFSET]] is"
              + " supported");
    }
    if (grouped(select)) {
      SqlPlan.Grouping grouping = SqlGrouping.of(select, schema, this::column, this::label);
      return joined(selectPlan(select, List.of(), null, grouping));
    }
    List<SqlPlan.Output> columns = new ArrayList<>();
    String countLabel = null;
    for (SelectItem<?> item : select.getSelectItems()) {
      Expression e = item.getExpression();
      String alias =
          item.getAlias() == null ? null : SqlLiterals.unquote(item.getAlias().getName());
      if (e instanceof AllColumns all
          && !(e instanceof net.sf.jsqlparser.statement.select.AllTableColumns)) {
        if (alias != null) {
          throw unsupported("* cannot have an alias");
        }
        schema.columnNames().forEach(n -> columns.add(new SqlPlan.Output(n, label(n))));
      } else if (e instanceof net.sf.jsqlparser.statement.select.AllTableColumns tableAll
          && join != null) {
        if (alias != null) {
          throw unsupported("* cannot have an alias");
        }
        join.columnsOf(SqlLiterals.unquote(tableAll.getTable().getName()))
            .forEach(n -> columns.add(new SqlPlan.Output(n, label(n))));
      } else if (e instanceof net.sf.jsqlparser.schema.Column c && isTimestampPseudoColumn(c)) {
        // The row's global timestamp, named explicitly (SELECT * leaves it out; docs/sql.md).
        columns.add(
            new SqlPlan.Output(
                RowTimestamps.FIELD, alias == null ? SqlPlan.TIMESTAMP_COLUMN : alias));
      } else if (e instanceof net.sf.jsqlparser.schema.Column c) {
        String name = column(c);
        columns.add(new SqlPlan.Output(name, alias == null ? label(name) : alias));
      } else if (e instanceof Function f && isCountStar(f)) {
        if (countLabel != null) {
          throw unsupported("COUNT(*) may appear once");
        }
        countLabel = alias == null ? "COUNT(*)" : alias;
      } else {
        throw unsupported(
            "select item '"
                + e
                + "' is not supported (columns, *, or COUNT(*); no expressions or other functions)");
      }
    }
    if (join != null) {
      distinctLabels(columns);
    }
    return joined(selectPlan(select, columns, countLabel, null));
  }

  /** {@code select} as the plan of its join when it reads one, else itself. */
  private SqlPlan joined(SqlPlan.Select select) {
    return join == null ? select : join.plan(select);
  }

  /**
   * The name a column is shown under when the SELECT gives it none: in a join MySQL's, the column
   * without its table.
   */
  private String label(String column) {
    return join == null ? column : SqlJoins.label(column);
  }

  /**
   * A join's output columns have distinct labels: a row of /query's reply holds one value per label
   * (two tables' {@code id}s would overwrite each other).
   */
  private static void distinctLabels(List<SqlPlan.Output> columns) {
    Map<String, String> seen = new java.util.HashMap<>();
    for (SqlPlan.Output o : columns) {
      String before = seen.putIfAbsent(o.label().toLowerCase(Locale.ROOT), o.column());
      if (before != null && !before.equals(o.column())) {
        throw unsupported(
            "two columns of the join are labelled '"
                + o.label()
                + "' ("
                + before
                + " and "
                + o.column()
                + "): give one an alias (AS)");
      }
    }
  }

  /**
   * Whether {@code select} groups: GROUP BY, DISTINCT, or an aggregate other than one lone {@code
   * COUNT(*)} (which the shards count themselves).
   */
  private static boolean grouped(PlainSelect select) {
    if (select.getGroupBy() != null || select.getDistinct() != null) {
      return true;
    }
    List<SelectItem<?>> items = select.getSelectItems();
    boolean anyAggregate =
        items.stream()
            .anyMatch(i -> i.getExpression() instanceof Function f && SqlGrouping.isAggregate(f));
    boolean loneCountStar =
        items.size() == 1 && items.get(0).getExpression() instanceof Function f && isCountStar(f);
    return anyAggregate && !loneCountStar;
  }

  /** The SELECT's plan from its items: its ORDER BY, LIMIT, OFFSET and WHERE added. */
  private SqlPlan.Select selectPlan(
      PlainSelect select,
      List<SqlPlan.Output> columns,
      String countLabel,
      SqlPlan.Grouping grouping) {
    List<SqlPlan.Order> order =
        grouping != null ? SqlGrouping.orderBy(select, grouping) : orderBy(select);
    long offset = 0;
    Long limit = null;
    Limit l = select.getLimit();
    if (l != null) {
      if (l.getRowCount() != null) {
        limit = count("LIMIT", l.getRowCount());
      }
      if (l.getOffset() != null) {
        offset = count("OFFSET", l.getOffset());
      }
    }
    if (select.getOffset() != null) {
      offset = count("OFFSET", select.getOffset().getOffset());
    }
    // A SELECT's WHERE may name the row's global timestamp (its rows are read with it).
    Predicate where;
    timestampsReadable = true;
    try {
      where = select.getWhere() == null ? new Predicate.Always() : predicate(select.getWhere());
    } finally {
      timestampsReadable = false;
    }
    return new SqlPlan.Select(
        keys(where), where, columns, countLabel, order, offset, limit, grouping);
  }

  /** ORDER BY of a SELECT that does not group: stored columns (or the row timestamp). */
  private List<SqlPlan.Order> orderBy(PlainSelect select) {
    List<SqlPlan.Order> order = new ArrayList<>();
    if (select.getOrderByElements() != null) {
      for (OrderByElement o : select.getOrderByElements()) {
        if (!(o.getExpression() instanceof net.sf.jsqlparser.schema.Column c)) {
          throw unsupported("ORDER BY " + o.getExpression() + " is not supported (columns only)");
        }
        if (o.getNullOrdering() != null) {
          throw unsupported("NULLS FIRST/LAST is not supported");
        }
        order.add(
            new SqlPlan.Order(
                isTimestampPseudoColumn(c) ? RowTimestamps.FIELD : column(c), !o.isAsc()));
      }
    }
    return order;
  }

  static boolean isCountStar(Function f) {
    if (!f.getName().equalsIgnoreCase("COUNT") || f.isDistinct() || f.isUnique()) {
      return false;
    }
    ExpressionList<?> params = f.getParameters();
    if (f.isAllColumns()) {
      return true;
    }
    return params != null
        && params.size() == 1
        && (params.get(0) instanceof AllColumns
            || params.get(0) instanceof LongValue v && v.getValue() == 1);
  }

  private static long count(String clause, Expression e) {
    if (e instanceof LongValue v) {
      try {
        long n = Long.parseLong(v.getStringValue());
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // falls through to the message
      }
    }
    if (e instanceof NullValue && clause.equals("LIMIT")) {
      return Long.MAX_VALUE;
    }
    throw unsupported(clause + " " + e + " is not supported (a non-negative integer literal)");
  }

  // ---------------------------------------------------------------- WHERE

  /** The WHERE clause as a {@link Predicate}, literals coerced to their columns' types. */
  Predicate predicate(Expression e) {
    return predicate(e, 0);
  }

  private Predicate predicate(Expression e, int depth) {
    // Planning and evaluating recurse over the tree: a bound keeps a hostile clause from
    // exhausting the thread's stack (a long OR chain is a deep tree; IN (...) is the flat form).
    if (depth > MAX_WHERE_DEPTH) {
      throw unsupported(
          "the WHERE clause nests deeper than "
              + MAX_WHERE_DEPTH
              + " levels of AND/OR/NOT/parentheses; use IN (...) or BETWEEN for long lists");
    }
    int d = depth + 1;
    if (e instanceof Parenthesis p) {
      return predicate(p.getExpression(), d);
    }
    if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
      return predicate(list.get(0), d);
    }
    if (e instanceof AndExpression and) {
      return new Predicate.And(
          predicate(and.getLeftExpression(), d), predicate(and.getRightExpression(), d));
    }
    if (e instanceof OrExpression or) {
      return new Predicate.Or(
          predicate(or.getLeftExpression(), d), predicate(or.getRightExpression(), d));
    }
    if (e instanceof NotExpression not) {
      return new Predicate.Not(predicate(not.getExpression(), d));
    }
    if (e instanceof EqualsTo
        || e instanceof NotEqualsTo
        || e instanceof GreaterThan
        || e instanceof GreaterThanEquals
        || e instanceof MinorThan
        || e instanceof MinorThanEquals) {
      return comparison((BinaryExpression) e);
    }
    if (e instanceof InExpression in) {
      String col = columnOperand(in.getLeftExpression(), "IN");
      if (in.isGlobal() || in.getOldOracleJoinSyntax() != 0) {
        throw unsupported("this form of IN is not supported");
      }
      if (!(in.getRightExpression() instanceof ExpressionList<?> list)
          || in.getRightExpression() instanceof Select) {
        throw unsupported("subqueries are not supported (IN needs a list of literal values)");
      }
      List<Object> values = new ArrayList<>();
      for (Expression v : list) {
        values.add(literalFor(col, v, "IN"));
      }
      if (values.isEmpty()) {
        throw unsupported("IN () needs at least one value");
      }
      return new Predicate.In(col, values, in.isNot());
    }
    if (e instanceof Between b) {
      String col = columnOperand(b.getLeftExpression(), "BETWEEN");
      return new Predicate.Between(
          col,
          literalFor(col, b.getBetweenExpressionStart(), "BETWEEN"),
          literalFor(col, b.getBetweenExpressionEnd(), "BETWEEN"),
          b.isNot());
    }
    if (e instanceof IsNullExpression n) {
      if (n.isUseIsNull() || n.isUseNotNull()) {
        throw unsupported("ISNULL/NOTNULL are not supported; use IS [NOT] NULL");
      }
      return new Predicate.IsNull(columnOperand(n.getLeftExpression(), "IS NULL"), n.isNot());
    }
    if (e instanceof LikeExpression like) {
      if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE
          || like.getEscape() != null
          || like.isUseBinary()) {
        throw unsupported(like.getLikeKeyWord() + " is not supported (plain LIKE only)");
      }
      String col = columnOperand(like.getLeftExpression(), "LIKE");
      Object pattern = SqlLiterals.literal(like.getRightExpression(), "LIKE");
      if (!(pattern instanceof String p)) {
        throw unsupported("LIKE needs a string pattern");
      }
      return new Predicate.Like(col, p, like.isNot());
    }
    if (e instanceof Select) {
      throw unsupported("subqueries are not supported");
    }
    throw unsupported(
        "the condition '"
            + e
            + "' is not supported (=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, IS NULL, AND, OR, NOT"
            + " between a column and literal values)");
  }

  private Predicate comparison(BinaryExpression b) {
    Expression left = b.getLeftExpression();
    Expression right = b.getRightExpression();
    Predicate.Op op =
        switch (b) {
          case EqualsTo x -> Predicate.Op.EQ;
          case NotEqualsTo x -> Predicate.Op.NE;
          case GreaterThan x -> Predicate.Op.GT;
          case GreaterThanEquals x -> Predicate.Op.GE;
          case MinorThan x -> Predicate.Op.LT;
          case MinorThanEquals x -> Predicate.Op.LE;
          default -> throw unsupported("operator " + b.getStringExpression() + " is not supported");
        };
    if (b instanceof EqualsTo eq && eq.getOldOracleJoinSyntax() != 0) {
      throw unsupported("Oracle join syntax (+) is not supported");
    }
    // "5 < id" reads as "id > 5".
    if (!SqlLiterals.isColumnRef(left) && SqlLiterals.isColumnRef(right)) {
      Expression t = left;
      left = right;
      right = t;
      op =
          switch (op) {
            case LT -> Predicate.Op.GT;
            case LE -> Predicate.Op.GE;
            case GT -> Predicate.Op.LT;
            case GE -> Predicate.Op.LE;
            default -> op;
          };
    }
    if (jsonPathOperand(right) && !jsonPathOperand(left)) {
      Expression t = left;
      left = right;
      right = t;
      op =
          switch (op) {
            case LT -> Predicate.Op.GT;
            case LE -> Predicate.Op.GE;
            case GT -> Predicate.Op.LT;
            case GE -> Predicate.Op.LE;
            default -> op;
          };
    }
    if (jsonPathOperand(left)) {
      return jsonComparison(left, op, right);
    }
    String col = columnOperand(left, op.sql);
    if (SqlLiterals.isColumnRef(right)) {
      throw unsupported("comparing two columns is not supported ('" + b + "')");
    }
    return new Predicate.Compare(col, op, literalFor(col, right, op.sql));
  }

  /**
   * Whether {@code e} selects from a JSON column: {@code col->'$.p'}, {@code col->>'$.p'}, {@code
   * JSON_EXTRACT(col, '$.p')} or {@code JSON_UNQUOTE(JSON_EXTRACT(col, '$.p'))}.
   */
  private static boolean jsonPathOperand(Expression e) {
    if (e instanceof JsonExpression) {
      return true;
    }
    if (e instanceof Function f && f.getName() != null) {
      String name = f.getName().toUpperCase(Locale.ROOT);
      return name.equals("JSON_EXTRACT") || name.equals("JSON_UNQUOTE");
    }
    return false;
  }

  /** {@code json-path-expression op literal} as a {@link Predicate.JsonCompare}. */
  private Predicate jsonComparison(Expression e, Predicate.Op op, Expression right) {
    String column;
    Expression path;
    if (e instanceof JsonExpression j) {
      if (j.getIdentList().size() != 1
          || !(j.getOperators().get(0).equals("->") || j.getOperators().get(0).equals("->>"))) {
        throw unsupported("only one -> or ->> step per JSON expression is supported ('" + e + "')");
      }
      column = jsonColumn(j.getExpression(), e);
      path = j.getIdents().get(0);
    } else {
      Function f = (Function) e;
      List<Expression> params =
          f.getParameters() == null ? List.of() : new ArrayList<>(f.getParameters());
      if (f.getName().equalsIgnoreCase("JSON_UNQUOTE")) {
        if (params.size() != 1
            || !(params.get(0) instanceof Function inner)
            || !inner.getName().equalsIgnoreCase("JSON_EXTRACT")) {
          throw unsupported("JSON_UNQUOTE is supported around JSON_EXTRACT only ('" + e + "')");
        }
        params = inner.getParameters() == null ? List.of() : new ArrayList<>(inner.getParameters());
      }
      if (params.size() != 2) {
        throw unsupported("JSON_EXTRACT takes a column and one path ('" + e + "')");
      }
      column = jsonColumn(params.get(0), e);
      path = params.get(1);
    }
    Object p = SqlLiterals.literal(path, "a JSON path");
    if (!(p instanceof String pathText)) {
      throw unsupported("a JSON path must be a string literal such as '$.name' ('" + e + "')");
    }
    if (SqlLiterals.isColumnRef(right)) {
      throw unsupported("comparing a JSON value with a column is not supported ('" + e + "')");
    }
    return new Predicate.JsonCompare(
        column, JsonPath.parse(pathText), op, SqlLiterals.literal(right, op.sql));
  }

  private String jsonColumn(Expression e, Expression whole) {
    if (!SqlLiterals.isColumnRef(e)) {
      throw unsupported("a JSON path applies to a JSON column ('" + whole + "')");
    }
    String name = column((net.sf.jsqlparser.schema.Column) e);
    if (schema.column(name).type() != ColumnType.Json) {
      throw unsupported(
          "column '" + name + "' is not a Json column; JSON paths apply to Json columns");
    }
    return name;
  }

  /** The shard keys {@code p} can match ({@link PredicateKeys}). */
  KeyRanges keys(Predicate p) {
    if (schema.hasStringKey()) {
      // A String key's rows lie by hash: every shard is read, the condition (pushed down to
      // each shard's primary-key index) narrows the rows.
      return KeyRanges.all();
    }
    return PredicateKeys.of(p, join == null ? Set.of(schema.shardKey()) : join.keyColumns());
  }

  // ---------------------------------------------------------------- names and values

  private void table(Table t) {
    if (t == null) {
      throw unsupported("the statement names no table");
    }
    if (t.getSchemaName() != null
        || t.getDatabase() != null && t.getDatabase().getDatabaseName() != null) {
      throw unsupported("qualified table names are not supported; use " + t.getName());
    }
    String name = SqlLiterals.unquote(t.getName());
    TableSchema found = tables.tableOrNull(name);
    if (found == null) {
      throw RoutingTable.unknownTable(name, tables);
    }
    schema = found;
    resolved = true;
  }

  /** The schema's spelling of a column (MySQL matches column names case-insensitively). */
  /**
   * Whether {@code c} names the pseudo-column {@value SqlPlan#TIMESTAMP_COLUMN} (the row's global
   * timestamp) and no column of the table has that name (a column of that name wins).
   */
  private boolean isTimestampPseudoColumn(net.sf.jsqlparser.schema.Column c) {
    if (join != null) {
      return false; // the join resolves the name, refusing it
    }
    String name = SqlLiterals.unquote(c.getColumnName());
    return name.equalsIgnoreCase(SqlPlan.TIMESTAMP_COLUMN)
        && schema.columns().stream().noneMatch(col -> col.name().equalsIgnoreCase(name))
        && (c.getTable() == null
            || c.getTable().getName() == null
            || SqlLiterals.unquote(c.getTable().getName()).equalsIgnoreCase(schema.table()));
  }

  private String column(net.sf.jsqlparser.schema.Column c) {
    if (join != null) {
      String qualifier =
          c.getTable() == null || c.getTable().getName() == null
              ? null
              : SqlLiterals.unquote(c.getTable().getName());
      return join.resolve(qualifier, SqlLiterals.unquote(c.getColumnName()));
    }
    if (c.getTable() != null && c.getTable().getName() != null) {
      String qualifier = SqlLiterals.unquote(c.getTable().getName());
      if (!qualifier.equalsIgnoreCase(schema.table())) {
        throw unsupported("unknown table '" + qualifier + "' in column " + c);
      }
    }
    String name = SqlLiterals.unquote(c.getColumnName());
    for (Column col : schema.columns()) {
      if (col.name().equalsIgnoreCase(name)) {
        return col.name();
      }
    }
    throw unsupported(
        "unknown column '"
            + name
            + "' (table "
            + schema.table()
            + " has "
            + schema.columnNames()
            + ")");
  }

  private String columnOperand(Expression e, String op) {
    if (SqlLiterals.isColumnRef(e)
        && e instanceof net.sf.jsqlparser.schema.Column c
        && isTimestampPseudoColumn(c)) {
      if (!timestampsReadable) {
        throw unsupported(
            SqlPlan.TIMESTAMP_COLUMN
                + " (the row's global timestamp) can be used in a SELECT's select list, WHERE and"
                + " ORDER BY only");
      }
      return RowTimestamps.FIELD;
    }
    if (SqlLiterals.isColumnRef(e) && e instanceof net.sf.jsqlparser.schema.Column c) {
      return column(c);
    }
    throw unsupported(
        op + " needs a column on one side and literal values on the other; got '" + e + "'");
  }

  /** A literal coerced to {@code column}'s type (NULL stays null), or a 400 naming the column. */
  private Object literalFor(String column, Expression e, String op) {
    Object v = SqlLiterals.literal(e, op);
    if (v == null) {
      return null;
    }
    return coerce(column, v);
  }

  private Object typed(String column, Expression e) {
    Object v = SqlLiterals.literal(e, "VALUES");
    return v == null ? null : coerce(column, v);
  }

  private Object coerce(String column, Object v) {
    if (column.equals(RowTimestamps.FIELD)) {
      return ColumnType.Number.coerce(SqlPlan.TIMESTAMP_COLUMN, v);
    }
    ColumnType type = schema.column(column).type();
    // As /write does: a number given for a String column is stored as its text.
    if (type == ColumnType.String && (v instanceof Long || v instanceof BigDecimal)) {
      v = v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }
    return type.coerce(column, v);
  }

  private static String statementName(Statement s) {
    String n = s.getClass().getSimpleName();
    return switch (n) {
      case "CreateTable" -> "CREATE TABLE";
      case "Drop" -> "DROP";
      case "Alter" -> "ALTER";
      case "Truncate" -> "TRUNCATE";
      case "CreateIndex" -> "CREATE INDEX";
      case "CreateView" -> "CREATE VIEW";
      case "Merge" -> "MERGE";
      case "Upsert" -> "UPSERT/REPLACE";
      case "SetStatement" -> "SET";
      case "UseStatement" -> "USE";
      case "ShowStatement", "ShowColumnsStatement", "ShowTablesStatement" -> "SHOW";
      case "DescribeStatement" -> "DESCRIBE";
      case "ExplainStatement" -> "EXPLAIN";
      case "Grant" -> "GRANT";
      case "Commit" -> "COMMIT";
      case "RollbackStatement" -> "ROLLBACK";
      default -> n.toUpperCase(Locale.ROOT);
    };
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }

  private static InvalidRequestException unsupported(String message) {
    return new InvalidRequestException(message);
  }

  private static String unquoteName(String name) {
    if (name.length() >= 2
        && (name.startsWith("`") && name.endsWith("`")
            || name.startsWith("\"") && name.endsWith("\""))) {
      return name.substring(1, name.length() - 1);
    }
    return name;
  }
}
