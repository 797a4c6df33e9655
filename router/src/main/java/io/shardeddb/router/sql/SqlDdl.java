package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.Index;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.drop.Drop;

/**
 * The DDL the router takes, translated against the table's schema (pure): {@code ALTER TABLE t ADD
 * [COLUMN] name type [NULL | NOT NULL] [DEFAULT literal]}, one or several, each a column added at
 * the end — nullable or with a default, as the rows already stored need; secondary indexes by
 * {@code CREATE INDEX name ON t (cols)}, {@code DROP INDEX name ON t} or {@code ALTER TABLE t ADD
 * INDEX | KEY name (cols)}, {@code DROP INDEX name} (docs/sql.md, "Changing the schema"). MySQL's
 * type names map to the column types: integers to Number, {@code VARCHAR}/{@code CHAR}/{@code TEXT}
 * to String, {@code DECIMAL}/{@code NUMERIC} to Decimal, {@code BOOLEAN}/{@code BOOL}/{@code
 * TINYINT(1)} to Boolean, {@code JSON} to Json, {@code DATETIME}/{@code TIMESTAMP} to DateTime.
 * Anything else is a 400 naming it.
 */
final class SqlDdl {
  private SqlDdl() {}

  static SqlPlan.ChangeSchema alter(TableSchema schema, Alter alter) {
    requireTable(schema, alter.getTable() == null ? null : alter.getTable().getName());
    List<AlterExpression> expressions = alter.getAlterExpressions();
    if (expressions == null || expressions.isEmpty()) {
      throw new InvalidRequestException("ALTER TABLE names no change");
    }
    List<Column> columns = new ArrayList<>(schema.columns());
    List<Index> indexes = new ArrayList<>(schema.indexes());
    List<String> changes = new ArrayList<>();
    for (AlterExpression e : expressions) {
      if (e.getOperation() == AlterOperation.ADD && e.getColDataTypeList() != null) {
        for (AlterExpression.ColumnDataType c : e.getColDataTypeList()) {
          Column added = column(unquote(c.getColumnName()), c.getColDataType(), c.getColumnSpecs());
          if (columns.stream().anyMatch(x -> x.name().equalsIgnoreCase(added.name()))) {
            throw new InvalidRequestException("column '" + added.name() + "' already exists");
          }
          columns.add(added);
          changes.add("added column " + added.name());
        }
      } else if (e.getOperation() == AlterOperation.ADD && e.getUkName() != null) {
        throw uniqueRefused();
      } else if (e.getOperation() == AlterOperation.ADD && e.getIndex() != null) {
        changes.add(addIndex(indexes, e.getIndex()));
      } else if (e.getOperation() == AlterOperation.DROP
          && e.getColumnName() != null
          && e.getIndex() == null) {
        String name = unquote(e.getColumnName());
        Column gone =
            columns.stream()
                .filter(x -> x.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(
                    () ->
                        new InvalidRequestException(
                            "unknown column '" + name + "' in table " + schema.table()));
        if (gone.name().equals(schema.shardKey())) {
          throw new InvalidRequestException(
              "column '" + gone.name() + "' is the shard key and cannot be dropped");
        }
        if (schema.isKeyColumn(gone.name())) {
          throw new InvalidRequestException(
              "column '" + gone.name() + "' is in the primary key and cannot be dropped");
        }
        columns.remove(gone);
        changes.add("dropped column " + gone.name());
      } else if (e.getOperation() == AlterOperation.DROP
          && e.getIndex() != null
          && e.getIndex().getName() != null
          && e.getColumnName() == null) {
        changes.add(dropIndex(schema, indexes, e.getIndex().getName()));
      } else {
        throw new InvalidRequestException(
            "ALTER TABLE supports ADD COLUMN, DROP COLUMN, ADD INDEX and DROP INDEX (got "
                + e.getOperation()
                + "): renaming or changing a stored column is not an online change yet");
      }
    }
    return change(
        schema,
        new TableSchema(schema.table(), schema.shardKey(), columns, indexes, schema.primaryKey()),
        changes);
  }

  /**
   * {@code CREATE TABLE [IF NOT EXISTS] t (col type [NOT NULL | NULL] [DEFAULT v] [AUTO_INCREMENT]
   * [PRIMARY KEY], ..., [PRIMARY KEY (col)], [INDEX | KEY name (cols)]) [table options]}: the
   * database's table, for a database that has none yet (docs/sql.md, "Creating the table"). The
   * primary key is an integer or string column, the shard key, or several ({@code PRIMARY KEY (a,
   * b)}) whose first is the shard key; table options (ENGINE, CHARSET) are accepted and ignored.
   */
  static TableSchema createTable(CreateTable create) {
    String table = unquote(create.getTable().getName());
    if (create.getTable().getSchemaName() != null) {
      throw new InvalidRequestException("qualified table names are not supported");
    }
    if (create.getColumnDefinitions() == null || create.getColumnDefinitions().isEmpty()) {
      throw new InvalidRequestException(
          "CREATE TABLE needs its columns (CREATE TABLE ... AS SELECT and LIKE are not supported)");
    }
    List<Column> columns = new ArrayList<>();
    List<String> primary = new ArrayList<>();
    java.util.Set<String> generated = new java.util.HashSet<>();
    for (net.sf.jsqlparser.statement.create.table.ColumnDefinition d :
        create.getColumnDefinitions()) {
      String name = unquote(d.getColumnName());
      List<String> specs = new ArrayList<>();
      List<String> written = d.getColumnSpecs() == null ? List.of() : d.getColumnSpecs();
      for (int i = 0; i < written.size(); i++) {
        String w = written.get(i).toUpperCase(Locale.ROOT);
        if (w.equals("AUTO_INCREMENT")) {
          generated.add(name);
        } else if (w.equals("PRIMARY")
            && i + 1 < written.size()
            && written.get(i + 1).equalsIgnoreCase("KEY")) {
          primary.add(name);
          i++;
        } else if (w.equals("UNIQUE")) {
          throw uniqueRefused();
        } else {
          specs.add(written.get(i));
        }
      }
      columns.add(column(name, d.getColDataType(), specs));
    }
    List<Index> indexes = new ArrayList<>();
    for (net.sf.jsqlparser.statement.create.table.Index index :
        create.getIndexes() == null
            ? List.<net.sf.jsqlparser.statement.create.table.Index>of()
            : create.getIndexes()) {
      String type = index.getType() == null ? "" : index.getType().toUpperCase(Locale.ROOT);
      if (type.equals("PRIMARY KEY")) {
        index.getColumnsNames().forEach(c -> primary.add(unquote(c)));
      } else if (type.equals("INDEX") || type.equals("KEY")) {
        addIndex(indexes, index);
      } else if (type.contains("UNIQUE")) {
        throw uniqueRefused();
      } else {
        throw new InvalidRequestException(
            type + " is not supported in CREATE TABLE (PRIMARY KEY, INDEX and KEY are)");
      }
    }
    if (primary.isEmpty()) {
      throw new InvalidRequestException(
          "table '"
              + table
              + "' needs a PRIMARY KEY: an integer or string column (the shard key), or several"
              + " with the shard key first");
    }
    if (primary.size() != new java.util.HashSet<>(primary).size()) {
      throw new InvalidRequestException("PRIMARY KEY " + primary + " names a column twice");
    }
    // The shard key is the primary key's first column: rows of one shard key stay on one shard.
    String key = primary.get(0);
    List<Column> out = new ArrayList<>();
    for (Column c : columns) {
      boolean isKey = primary.contains(c.name());
      if (generated.contains(c.name()) && !c.name().equals(key)) {
        throw new InvalidRequestException(
            "column '"
                + c.name()
                + "' is AUTO_INCREMENT but only the primary key's first column can be");
      }
      if (isKey && c.type() != ColumnType.Number && c.type() != ColumnType.String) {
        throw new InvalidRequestException(
            "primary key column '"
                + c.name()
                + "' must be an integer or string (VARCHAR, CHAR, TEXT) column"
                + (c.name().equals(key) ? ": it is the shard key" : ""));
      }
      if (isKey && !c.name().equals(key) && c.defaultValue() != null) {
        throw new InvalidRequestException(
            "primary key column '" + c.name() + "' cannot have a DEFAULT");
      }
      // The primary key's columns are NOT NULL, as in MySQL.
      out.add(
          isKey
              ? new Column(
                  c.name(),
                  c.type(),
                  null,
                  c.defaultValue(),
                  generated.contains(c.name()) ? Boolean.TRUE : null)
              : c);
    }
    for (String k : primary) {
      if (out.stream().noneMatch(c -> c.name().equals(k))) {
        throw new InvalidRequestException("primary key '" + k + "' is not a column of the table");
      }
    }
    return new TableSchema(table, key, out, indexes, primary).validate();
  }

  /** {@code CREATE INDEX name ON t (col, ...)}. */
  static SqlPlan.ChangeSchema createIndex(TableSchema schema, CreateIndex create) {
    requireTable(schema, create.getTable() == null ? null : create.getTable().getName());
    List<Index> indexes = new ArrayList<>(schema.indexes());
    String added = addIndex(indexes, create.getIndex());
    return change(schema, schema.withIndexes(indexes), List.of(added));
  }

  /** {@code DROP INDEX name ON t}. */
  static SqlPlan.ChangeSchema dropIndex(TableSchema schema, Drop drop) {
    if (!"INDEX".equalsIgnoreCase(drop.getType())) {
      throw new InvalidRequestException(
          "DROP "
              + drop.getType()
              + " statements are not supported (DROP INDEX is; dropping a table is not an online"
              + " change yet)");
    }
    List<String> params = drop.getParameters() == null ? List.of() : drop.getParameters();
    if (params.size() != 2 || !params.get(0).equalsIgnoreCase("ON")) {
      throw new InvalidRequestException("DROP INDEX needs its table: DROP INDEX name ON table");
    }
    requireTable(schema, params.get(1));
    List<Index> indexes = new ArrayList<>(schema.indexes());
    String dropped = dropIndex(schema, indexes, drop.getName().getName());
    return change(schema, schema.withIndexes(indexes), List.of(dropped));
  }

  private static SqlPlan.ChangeSchema change(
      TableSchema schema, TableSchema next, List<String> changes) {
    next.validate();
    String refusal = schema.evolutionRefusal(next);
    if (refusal != null) {
      throw new InvalidRequestException(refusal);
    }
    return new SqlPlan.ChangeSchema(changes, next);
  }

  private static String addIndex(
      List<Index> indexes, net.sf.jsqlparser.statement.create.table.Index index) {
    String type = index.getType() == null ? "" : index.getType().toUpperCase(Locale.ROOT);
    if (type.contains("UNIQUE")) {
      throw uniqueRefused();
    }
    if (type.contains("FULLTEXT") || type.contains("SPATIAL")) {
      throw new InvalidRequestException(type + " indexes are not supported (plain indexes are)");
    }
    if (index.getName() == null) {
      throw new InvalidRequestException("an index needs a name: ADD INDEX name (columns)");
    }
    String name = unquote(index.getName());
    if (index.getColumns() == null || index.getColumns().isEmpty()) {
      throw new InvalidRequestException("index '" + name + "' names no column");
    }
    if (indexes.stream().anyMatch(i -> i.name().equalsIgnoreCase(name))) {
      throw new InvalidRequestException("index '" + name + "' already exists");
    }
    List<String> columns = index.getColumnsNames().stream().map(SqlDdl::unquote).toList();
    indexes.add(new Index(name, columns));
    return "added index " + name + " " + columns;
  }

  private static String dropIndex(TableSchema schema, List<Index> indexes, String written) {
    String name = unquote(written);
    if (!indexes.removeIf(i -> i.name().equalsIgnoreCase(name))) {
      throw new InvalidRequestException(
          "index '"
              + name
              + "' does not exist (table "
              + schema.table()
              + " has "
              + (schema.indexes().isEmpty()
                  ? "no secondary index"
                  : schema.indexes().stream().map(Index::name).toList())
              + ")");
    }
    return "dropped index " + name;
  }

  private static InvalidRequestException uniqueRefused() {
    return new InvalidRequestException(
        "UNIQUE indexes are not supported: each shard indexes its own rows, so a unique index"
            + " would be unique per shard, not in the table (the shard key is unique: it is the"
            + " primary key)");
  }

  private static void requireTable(TableSchema schema, String written) {
    if (written == null || !unquote(written).equalsIgnoreCase(schema.table())) {
      throw new InvalidRequestException(
          "table '"
              + (written == null ? "" : unquote(written))
              + "' does not exist (this database has "
              + schema.table()
              + ")");
    }
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
