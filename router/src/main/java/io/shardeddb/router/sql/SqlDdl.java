package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * The DDL the router takes, translated against the table's schema (pure): {@code ALTER TABLE t ADD
 * [COLUMN] name type [NULL | NOT NULL] [DEFAULT literal]}, one or several, each a column added at
 * the end — nullable or with a default, as the rows already stored need (docs/sql.md, "Changing the
 * schema"). MySQL's type names map to the column types: integers to Number, {@code VARCHAR}/{@code
 * CHAR}/{@code TEXT} to String, {@code DECIMAL}/{@code NUMERIC} to Decimal, {@code BOOLEAN}/{@code
 * BOOL}/{@code TINYINT(1)} to Boolean, {@code JSON} to Json, {@code DATETIME}/{@code TIMESTAMP} to
 * DateTime. Anything else is a 400 naming it.
 */
final class SqlDdl {
  private SqlDdl() {}

  static SqlPlan.AddColumns alter(TableSchema schema, Alter alter) {
    String table = alter.getTable() == null ? null : alter.getTable().getName();
    if (table == null || !unquote(table).equalsIgnoreCase(schema.table())) {
      throw new InvalidRequestException(
          "table '"
              + (table == null ? "" : unquote(table))
              + "' does not exist (this database has "
              + schema.table()
              + ")");
    }
    List<AlterExpression> expressions = alter.getAlterExpressions();
    if (expressions == null || expressions.isEmpty()) {
      throw new InvalidRequestException("ALTER TABLE names no change");
    }
    List<Column> added = new ArrayList<>();
    for (AlterExpression e : expressions) {
      if (e.getOperation() != AlterOperation.ADD || e.getColDataTypeList() == null) {
        throw new InvalidRequestException(
            "ALTER TABLE supports ADD COLUMN only (got "
                + e.getOperation()
                + "): dropping, renaming or changing a stored column is not an online change yet");
      }
      for (AlterExpression.ColumnDataType c : e.getColDataTypeList()) {
        added.add(column(unquote(c.getColumnName()), c.getColDataType(), c.getColumnSpecs()));
      }
    }
    List<Column> columns = new ArrayList<>(schema.columns());
    for (Column c : added) {
      if (schema.columns().stream().anyMatch(x -> x.name().equalsIgnoreCase(c.name()))) {
        throw new InvalidRequestException("column '" + c.name() + "' already exists");
      }
      columns.add(c);
    }
    TableSchema next = new TableSchema(schema.table(), schema.shardKey(), columns);
    next.validate();
    String refusal = schema.evolutionRefusal(next);
    if (refusal != null) {
      throw new InvalidRequestException(refusal);
    }
    return new SqlPlan.AddColumns(added, next);
  }

  private static Column column(String name, ColDataType type, List<String> specs) {
    ColumnType t = typeOf(name, type);
    Boolean nullable = null;
    String defaultValue = null;
    List<String> words = specs == null ? List.of() : specs;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i).toUpperCase(Locale.ROOT);
      switch (w) {
        case "NULL" -> nullable = nullable == null ? Boolean.TRUE : nullable;
        case "NOT" -> {
          if (i + 1 < words.size() && words.get(i + 1).equalsIgnoreCase("NULL")) {
            nullable = Boolean.FALSE;
            i++;
          } else {
            throw new InvalidRequestException("column '" + name + "': NOT must be NOT NULL");
          }
        }
        case "DEFAULT" -> {
          if (i + 1 >= words.size()) {
            throw new InvalidRequestException("column '" + name + "': DEFAULT needs a value");
          }
          defaultValue = literal(name, words.get(++i));
          if (defaultValue == null) {
            nullable = nullable == null ? Boolean.TRUE : nullable;
          }
        }
        case "COMMENT" -> i++;
        default ->
            throw new InvalidRequestException(
                "column '"
                    + name
                    + "': '"
                    + words.get(i)
                    + "' is not supported (NULL, NOT NULL, DEFAULT and COMMENT are)");
      }
    }
    if (t == ColumnType.Boolean && ("1".equals(defaultValue) || "0".equals(defaultValue))) {
      defaultValue = "1".equals(defaultValue) ? "true" : "false";
    }
    // MySQL's columns are nullable unless NOT NULL is said.
    boolean isNullable = nullable == null || nullable;
    return new Column(name, t, isNullable ? Boolean.TRUE : null, defaultValue, null);
  }

  /** A DEFAULT's text: a quoted string unquoted, NULL as null, a number or keyword as written. */
  private static String literal(String column, String word) {
    if (word.equalsIgnoreCase("NULL")) {
      return null;
    }
    if (word.length() >= 2
        && (word.startsWith("'") && word.endsWith("'")
            || word.startsWith("\"") && word.endsWith("\""))) {
      return word.substring(1, word.length() - 1).replace("''", "'");
    }
    String upper = word.toUpperCase(Locale.ROOT);
    if (upper.equals("TRUE") || upper.equals("FALSE")) {
      return upper.toLowerCase(Locale.ROOT);
    }
    if (upper.startsWith("CURRENT_TIMESTAMP") || upper.equals("NOW()")) {
      return Column.CURRENT_TIMESTAMP;
    }
    if (word.matches("[-+]?[0-9]+(\\.[0-9]+)?")) {
      return word;
    }
    throw new InvalidRequestException(
        "column '" + column + "': DEFAULT " + word + " is not a literal");
  }

  private static ColumnType typeOf(String column, ColDataType type) {
    // The parser gives "VARCHAR (40)" or "TINYINT (1)" as the name, or the arguments apart.
    String written = type.getDataType().toUpperCase(Locale.ROOT);
    int paren = written.indexOf('(');
    String name = (paren < 0 ? written : written.substring(0, paren)).trim();
    List<String> args =
        paren >= 0
            ? List.of(
                written.substring(paren + 1, written.lastIndexOf(')')).trim().split("\\s*,\\s*"))
            : type.getArgumentsStringList();
    return switch (name) {
      case "BIGINT", "INT", "INTEGER", "SMALLINT", "MEDIUMINT" -> ColumnType.Number;
      case "TINYINT" ->
          args != null && args.size() == 1 && args.get(0).equals("1")
              ? ColumnType.Boolean
              : ColumnType.Number;
      case "BOOLEAN", "BOOL" -> ColumnType.Boolean;
      case "VARCHAR", "CHAR", "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT" -> ColumnType.String;
      case "DECIMAL", "NUMERIC", "DEC" -> ColumnType.Decimal;
      case "JSON" -> ColumnType.Json;
      case "DATETIME", "TIMESTAMP" -> ColumnType.DateTime;
      default ->
          throw new InvalidRequestException(
              "column '"
                  + column
                  + "': type "
                  + type.getDataType()
                  + " is not supported (BIGINT/INT, VARCHAR/TEXT, DECIMAL, BOOLEAN, JSON,"
                  + " DATETIME)");
    };
  }

  private static String unquote(String name) {
    if (name.length() >= 2
        && (name.startsWith("`") && name.endsWith("`")
            || name.startsWith("\"") && name.endsWith("\""))) {
      return name.substring(1, name.length() - 1);
    }
    return name;
  }
}
