package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.Index;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.List;

/**
 * One of a database's other tables ({@code spec.schema.tables[]}, docs/sql.md, "Tables"): its name,
 * shard key, columns and indexes, as {@code spec.schema} gives the first table's. Its rows live on
 * the shard that owns their shard key's value, beside the first table's rows of the same value. The
 * CEL rules of one table are here, once, for both records.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = TableSpec.KEY_IS_A_COLUMN, message = TableSpec.KEY_IS_A_COLUMN_MESSAGE)
@ValidationRule(value = TableSpec.KEY_IS_A_NUMBER, message = TableSpec.KEY_IS_A_NUMBER_MESSAGE)
@ValidationRule(value = TableSpec.COLUMNS_UNIQUE, message = TableSpec.COLUMNS_UNIQUE_MESSAGE)
@ValidationRule(value = TableSpec.INDEXED_COLUMNS, message = TableSpec.INDEXED_COLUMNS_MESSAGE)
@ValidationRule(value = TableSpec.INDEXES_UNIQUE, message = TableSpec.INDEXES_UNIQUE_MESSAGE)
@ValidationRule(value = TableSpec.PRIMARY_KEY, message = TableSpec.PRIMARY_KEY_MESSAGE)
public record TableSpec(
    @JsonPropertyDescription("The table name (letters, digits, underscores).")
        @Required
        @Pattern(SchemaSpec.IDENTIFIER)
        @Size(max = TableSchema.MAX_TABLE_NAME)
        String table,
    @JsonPropertyDescription(
            "The column whose value picks the shard; a Number column, or a String column when"
                + " spec.sharding is Hash. Rows of every table with the same shard key value live"
                + " on the same shard.")
        @Required
        @Pattern(SchemaSpec.IDENTIFIER)
        String shardKey,
    @JsonPropertyDescription("The table's columns, in order.") @Required @Size(min = 1, max = 64)
        List<ColumnSpec> columns,
    @JsonPropertyDescription("Secondary indexes, each kept by every shard over its rows.")
        @Size(max = TableSchema.MAX_INDEXES)
        List<IndexSpec> indexes,
    @JsonPropertyDescription(
            "The primary key's columns when it has several (docs/sql.md, \"Composite primary"
                + " keys\"): the shard key first, then Number or String columns; a row is"
                + " identified by all of them and placed by the shard key. Absent: the shard key"
                + " alone is the primary key. It cannot change once the table exists.")
        @Size(max = TableSchema.MAX_KEY_COLUMNS)
        List<String> primaryKey) {

  /** A table keyed by its shard key alone. */
  public TableSpec(
      String table, String shardKey, List<ColumnSpec> columns, List<IndexSpec> indexes) {
    this(table, shardKey, columns, indexes, null);
  }

  static final String KEY_IS_A_COLUMN = "self.columns.exists(c, c.name == self.shardKey)";
  static final String KEY_IS_A_COLUMN_MESSAGE = "shardKey must be one of the columns";
  static final String KEY_IS_A_NUMBER =
      "self.columns.exists(c, c.name == self.shardKey && (c.type == 'Number' || c.type =="
          + " 'String'))";
  static final String KEY_IS_A_NUMBER_MESSAGE =
      "the shardKey column must have type Number, or String (under sharding: Hash)";
  static final String PRIMARY_KEY =
      "!has(self.primaryKey) || size(self.primaryKey) == 0 || (self.primaryKey[0] =="
          + " self.shardKey && self.primaryKey.all(k, self.columns.exists(c, c.name == k &&"
          + " (c.type == 'Number' || c.type == 'String'))))";
  static final String PRIMARY_KEY_MESSAGE =
      "primaryKey must start with the shardKey and name Number or String columns";
  static final String COLUMNS_UNIQUE =
      "self.columns.all(c, self.columns.exists_one(d, d.name == c.name))";
  static final String COLUMNS_UNIQUE_MESSAGE = "column names must be unique";
  static final String INDEXED_COLUMNS =
      "!has(self.indexes) || self.indexes.all(i, i.columns.all(n, self.columns.exists(c, c.name"
          + " == n && c.type != 'Json')))";
  static final String INDEXED_COLUMNS_MESSAGE =
      "an index names a column of the table that is not Json";
  static final String INDEXES_UNIQUE =
      "!has(self.indexes) || self.indexes.all(i, self.indexes.exists_one(j, j.name == i.name))";
  static final String INDEXES_UNIQUE_MESSAGE = "index names must be unique";

  /** This table as the protocol's TableSchema. */
  public TableSchema toTableSchema() {
    return toTableSchema(table, shardKey, columns, indexes, primaryKey);
  }

  /** The spec form of {@code schema}; no {@code indexes} field when it has none. */
  public static TableSpec of(TableSchema schema) {
    return new TableSpec(
        schema.table(),
        schema.shardKey(),
        columnsOf(schema),
        indexesOf(schema),
        primaryKeyOf(schema));
  }

  static TableSchema toTableSchema(
      String table,
      String shardKey,
      List<ColumnSpec> columns,
      List<IndexSpec> indexes,
      List<String> primaryKey) {
    List<Column> cols =
        columns == null ? List.of() : columns.stream().map(ColumnSpec::toColumn).toList();
    List<Index> idx =
        indexes == null ? List.of() : indexes.stream().map(IndexSpec::toIndex).toList();
    return new TableSchema(table, shardKey, cols, idx, primaryKey);
  }

  /** A composite key's columns; null (no field) when the shard key alone is the primary key. */
  static List<String> primaryKeyOf(TableSchema schema) {
    return schema.hasCompositeKey() ? schema.primaryKey() : null;
  }

  static List<ColumnSpec> columnsOf(TableSchema schema) {
    return schema.columns().stream()
        .map(
            c ->
                new ColumnSpec(
                    c.name(), c.type(), c.nullable(), c.defaultValue(), c.autoIncrement()))
        .toList();
  }

  static List<IndexSpec> indexesOf(TableSchema schema) {
    return schema.indexes().isEmpty()
        ? null
        : schema.indexes().stream().map(IndexSpec::of).toList();
  }
}
