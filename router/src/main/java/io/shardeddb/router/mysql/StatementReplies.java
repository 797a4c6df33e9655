package io.shardeddb.router.mysql;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.JsonValues;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.router.http.Failure;
import io.shardeddb.router.sql.SqlPlan;
import io.shardeddb.router.sql.SqlStatements;
import io.shardeddb.router.sql.StatementLimitException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A statement's outcome on the SQL path in the MySQL protocol's terms (pure): a SELECT becomes a
 * text result set whose column types come from the schema (Number: LONGLONG, Decimal: NEWDECIMAL,
 * String: VAR_STRING, Boolean: TINY(1); COUNT(*): LONGLONG), a write an OK with its affected rows,
 * and a failure an ERR with the MySQL code a client would expect for it.
 */
final class StatementReplies {
  private StatementReplies() {}

  static MysqlReply of(SqlStatements.Ran ran, String database) {
    if (ran.plan() instanceof SqlPlan.Explain) {
      return explained(ran);
    }
    SqlPlan.Select select =
        switch (ran.plan()) {
          case SqlPlan.Select one -> one;
          // A join's columns are those of its view (ran.schema()), typed as their tables'.
          case SqlPlan.Join join -> join.select();
          default -> null;
        };
    if (select == null) {
      Long n = ran.response().rowsAffected();
      Long id = ran.response().lastInsertId();
      return new MysqlReply.Ok(n == null ? 0 : n, id == null ? 0 : id, "");
    }
    TableSchema schema = ran.schema();
    List<ColumnDefinition> columns = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    if (select.grouping() != null) {
      for (SqlPlan.Item item : select.grouping().items()) {
        columns.add(grouped(database, schema, item));
        keys.add(item.label());
      }
    } else if (select.countLabel() != null) {
      columns.add(ColumnDefinition.longlong("", "", select.countLabel()));
      keys.add(select.countLabel());
    } else {
      for (SqlPlan.Output o : select.columns()) {
        columns.add(
            RowTimestamps.FIELD.equals(o.column())
                ? ColumnDefinition.longlong(database, schema.table(), o.label())
                : definition(database, schema.table(), schema.column(o.column()), o.label()));
        keys.add(o.label());
      }
    }
    List<TextRow> rows = new ArrayList<>();
    for (Map<String, Object> row : ran.response().data()) {
      List<String> values = new ArrayList<>(keys.size());
      for (String k : keys) {
        values.add(text(row.get(k)));
      }
      rows.add(new TextRow(values));
    }
    return new MysqlReply.ResultSet(columns, rows);
  }

  /** An EXPLAIN's rows: its columns as text, {@code id} and {@code rows} as numbers. */
  private static MysqlReply explained(SqlStatements.Ran ran) {
    List<String> keys = ran.response().columns();
    List<ColumnDefinition> columns = new ArrayList<>();
    for (String k : keys) {
      columns.add(
          SqlPlan.Explain.NUMBER_COLUMNS.contains(k)
              ? ColumnDefinition.longlong("", "", k)
              : ColumnDefinition.text("", "", k, 1024));
    }
    List<TextRow> rows = new ArrayList<>();
    for (Map<String, Object> row : ran.response().data()) {
      List<String> values = new ArrayList<>(keys.size());
      for (String k : keys) {
        values.add(text(row.get(k)));
      }
      rows.add(new TextRow(values));
    }
    return new MysqlReply.ResultSet(columns, rows);
  }

  /**
   * A grouped SELECT's column as MySQL types it: a grouped column or MIN/MAX as the column, COUNT
   * as LONGLONG, SUM as DECIMAL with the input's decimals, AVG as DECIMAL with 4 more.
   */
  static ColumnDefinition grouped(String database, TableSchema schema, SqlPlan.Item item) {
    if (item.aggregate() == null) {
      return definition(database, schema.table(), schema.column(item.column()), item.label());
    }
    return switch (item.aggregate()) {
      case COUNT -> ColumnDefinition.longlong("", "", item.label());
      case MIN, MAX -> definition("", "", schema.column(item.column()), item.label());
      case SUM, AVG -> {
        int scale =
            (schema.column(item.column()).type() == ColumnType.Decimal
                    ? ColumnType.DECIMAL_SCALE
                    : 0)
                + (item.aggregate() == SqlPlan.Aggregate.AVG ? 4 : 0);
        yield new ColumnDefinition(
            "", "", item.label(), ColumnDefinition.TYPE_NEWDECIMAL, 65 + 2, scale, false);
      }
    };
  }

  static ColumnDefinition definition(String database, String table, Column c, String label) {
    return switch (c.type()) {
      case Number -> ColumnDefinition.longlong(database, table, label);
      case String -> ColumnDefinition.text(database, table, label, ColumnType.MAX_STRING_LENGTH);
      case Decimal ->
          new ColumnDefinition(
              database,
              table,
              label,
              ColumnDefinition.TYPE_NEWDECIMAL,
              ColumnType.DECIMAL_INTEGER_DIGITS + ColumnType.DECIMAL_SCALE + 2,
              ColumnType.DECIMAL_SCALE,
              false);
      case Boolean ->
          new ColumnDefinition(database, table, label, ColumnDefinition.TYPE_TINY, 1, 0, false);
      case Json ->
          new ColumnDefinition(
              database, table, label, ColumnDefinition.TYPE_JSON, JsonValues.MAX_BYTES, 0, true);
      case DateTime ->
          new ColumnDefinition(
              database, table, label, ColumnDefinition.TYPE_DATETIME, 26, 6, false);
    };
  }

  /** A value as the text protocol carries it. */
  static String text(Object v) {
    return switch (v) {
      case null -> null;
      case BigDecimal d -> d.toPlainString();
      case Boolean b -> b ? "1" : "0";
      default -> v.toString();
    };
  }

  /**
   * The ERR for a statement stopped by a limit, with MySQL's own code for it: past the deadline,
   * 3024 ER_QUERY_TIMEOUT (what MySQL answers when {@code max_execution_time} stops a SELECT); one
   * scan too many for the user, 1226 ER_USER_LIMIT_REACHED (MySQL's per-account resource limit, as
   * for {@code MAX_QUERIES_PER_HOUR}), not 1203/1040: those say the connection is refused, while
   * here the connection stays open and usable for point statements.
   */
  static MysqlReply.Error limit(StatementLimitException e, String user) {
    return switch (e.limit()) {
      case DEADLINE ->
          MysqlReply.Error.of(
              3024,
              "HY000",
              "Query execution was interrupted, maximum statement execution time exceeded: "
                  + e.getMessage());
      case CONCURRENCY ->
          MysqlReply.Error.of(
              1226,
              "42000",
              "User '"
                  + user
                  + "' has exceeded the 'max_concurrent_scans' resource (current value: "
                  + e.value()
                  + "): "
                  + e.getMessage());
    };
  }

  /**
   * The ERR for a failure of the SQL path: an unknown column is 1054, an ambiguous one (a join's)
   * 1052, a join naming one alias twice 1066, another table 1146, a statement outside what the
   * router supports 1235, any other bad statement 1064 (a parse error, a bad value), an insert of
   * an existing key 1062, anything the client cannot fix (no primary, a busy parser, not
   * configured) 1105.
   */
  static MysqlReply.Error error(Failure f) {
    String m = f.message();
    String lower = m.toLowerCase(Locale.ROOT);
    if (f.status() == 400) {
      if (lower.contains("unknown column")) {
        return MysqlReply.Error.of(1054, "42S22", m);
      } else if (lower.contains("unknown table") || lower.matches("(?s)table '.*' is not .*")) {
        return MysqlReply.Error.of(1146, "42S02", m);
      } else if (lower.contains("is ambiguous")) {
        return MysqlReply.Error.of(1052, "23000", m);
      } else if (lower.startsWith("not unique table/alias")) {
        return MysqlReply.Error.of(1066, "42000", m);
      } else if (lower.contains("not supported")) {
        return MysqlReply.Error.of(1235, "42000", m);
      }
      return MysqlReply.Error.of(1064, "42000", m);
    }
    if (f.status() == 409 && lower.contains("already exists")) {
      return MysqlReply.Error.of(1062, "23000", "Duplicate entry: " + m);
    }
    if (lower.startsWith("the transaction was not committed")) {
      // As a deadlock in MySQL: the transaction is rolled back and may be run again (JDBC's
      // SQLTransactionRollbackException, SQLSTATE 40001).
      return MysqlReply.Error.of(1213, "40001", m);
    }
    return MysqlReply.Error.of(1105, "HY000", m);
  }
}
