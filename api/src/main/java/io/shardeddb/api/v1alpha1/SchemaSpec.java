package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import java.util.List;

/**
 * The database's tables: the first table's name, shard key, columns and indexes (the one-table form
 * and the assignment's API are of it), and {@code tables}, the others, in the order they were
 * created.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = TableSpec.KEY_IS_A_COLUMN, message = TableSpec.KEY_IS_A_COLUMN_MESSAGE)
@ValidationRule(value = TableSpec.KEY_IS_A_NUMBER, message = TableSpec.KEY_IS_A_NUMBER_MESSAGE)
@ValidationRule(value = TableSpec.COLUMNS_UNIQUE, message = TableSpec.COLUMNS_UNIQUE_MESSAGE)
@ValidationRule(value = TableSpec.INDEXED_COLUMNS, message = TableSpec.INDEXED_COLUMNS_MESSAGE)
@ValidationRule(value = TableSpec.INDEXES_UNIQUE, message = TableSpec.INDEXES_UNIQUE_MESSAGE)
@ValidationRule(value = TableSpec.PRIMARY_KEY, message = TableSpec.PRIMARY_KEY_MESSAGE)
@ValidationRule(
    value =
        "!has(self.tables) || self.tables.all(t, t.table.lowerAscii() !="
            + " self.table.lowerAscii() && self.tables.exists_one(u, u.table.lowerAscii() =="
            + " t.table.lowerAscii()))",
    message = "table names must be unique, ignoring case (the first table's included)")
public record SchemaSpec(
    @JsonPropertyDescription("The first table's name (letters, digits, underscores).")
        @Required
        @Pattern(IDENTIFIER)
        @Size(max = TableSchema.MAX_TABLE_NAME)
        String table,
    @JsonPropertyDescription(
            "The column whose value picks the shard (the primary key); a Number column, or a"
                + " String column (at most 255 characters) when spec.sharding is Hash.")
        @Required
        @Pattern(IDENTIFIER)
        String shardKey,
    @JsonPropertyDescription("The first table's columns, in order.")
        @Required
        @Size(min = 1, max = 64)
        List<ColumnSpec> columns,
    @JsonPropertyDescription(
            "Secondary indexes, each kept by every shard over its rows (docs/sql.md, \"Indexes\")."
                + " Adding or dropping one is an online schema change.")
        @Size(max = TableSchema.MAX_INDEXES)
        List<IndexSpec> indexes,
    @JsonPropertyDescription(
            "The database's other tables, in the order they were created (docs/sql.md,"
                + " \"Tables\"). They share the shard layout: a row lives on the shard owning its"
                + " shard key's value. Adding, changing or removing one is an online schema"
                + " change; removing one drops its rows.")
        @Size(max = TableSet.MAX_TABLES - 1)
        List<TableSpec> tables,
    @JsonPropertyDescription(
            "The primary key's columns when it has several (docs/sql.md, \"Composite primary"
                + " keys\"): the shard key first, then Number or String columns; a row is"
                + " identified by all of them and placed by the shard key. Absent: the shard key"
                + " alone is the primary key. It cannot change once the table exists.")
        @Size(max = TableSchema.MAX_KEY_COLUMNS)
        List<String> primaryKey) {

  /** A table without secondary indexes. */
  public SchemaSpec(String table, String shardKey, List<ColumnSpec> columns) {
    this(table, shardKey, columns, null, null, null);
  }

  /** The first table keyed by its shard key alone, and {@code tables}. */
  public SchemaSpec(
      String table,
      String shardKey,
      List<ColumnSpec> columns,
      List<IndexSpec> indexes,
      List<TableSpec> tables) {
    this(table, shardKey, columns, indexes, tables, null);
  }

  /** A database of one table. */
  public SchemaSpec(
      String table, String shardKey, List<ColumnSpec> columns, List<IndexSpec> indexes) {
    this(table, shardKey, columns, indexes, null);
  }

  /** A SQL-safe identifier, as protocol's TableSchema requires. */
  public static final String IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]{0,63}$";

  /** The first table as the protocol's TableSchema. */
  public TableSchema toTableSchema() {
    return TableSpec.toTableSchema(table, shardKey, columns, indexes, primaryKey);
  }

  /** Every table as one value: the first and the others in order. */
  public TableSet toTableSet() {
    return new TableSet(
        toTableSchema(),
        tables == null ? List.of() : tables.stream().map(TableSpec::toTableSchema).toList());
  }

  /** The spec form of a database of one table; no {@code indexes} field when it has none. */
  public static SchemaSpec of(TableSchema schema) {
    return new SchemaSpec(
        schema.table(),
        schema.shardKey(),
        TableSpec.columnsOf(schema),
        TableSpec.indexesOf(schema),
        null,
        TableSpec.primaryKeyOf(schema));
  }

  /** The spec form of {@code tables}; no {@code tables} field when there is only the first. */
  public static SchemaSpec of(TableSet tables) {
    SchemaSpec first = of(tables.first());
    return new SchemaSpec(
        first.table(),
        first.shardKey(),
        first.columns(),
        first.indexes(),
        tables.others().isEmpty() ? null : tables.others().stream().map(TableSpec::of).toList(),
        first.primaryKey());
  }
}
