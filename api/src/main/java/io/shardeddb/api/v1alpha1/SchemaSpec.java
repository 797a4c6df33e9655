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

/** The table's name, its shard key and its columns in order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "self.columns.exists(c, c.name == self.shardKey)",
    message = "shardKey must be one of the columns")
@ValidationRule(
    value = "self.columns.exists(c, c.name == self.shardKey && c.type == 'Number')",
    message = "the shardKey column must have type Number")
@ValidationRule(
    value = "self.columns.all(c, self.columns.exists_one(d, d.name == c.name))",
    message = "column names must be unique")
@ValidationRule(
    value =
        "!has(self.indexes) || self.indexes.all(i, i.columns.all(n, self.columns.exists(c, c.name"
            + " == n && c.type != 'Json')))",
    message = "an index names a column of the table that is not Json")
@ValidationRule(
    value =
        "!has(self.indexes) || self.indexes.all(i, self.indexes.exists_one(j, j.name == i.name))",
    message = "index names must be unique")
public record SchemaSpec(
    @JsonPropertyDescription("The table name (letters, digits, underscores).")
        @Required
        @Pattern(IDENTIFIER)
        String table,
    @JsonPropertyDescription("The column whose value picks the shard; a Number column.")
        @Required
        @Pattern(IDENTIFIER)
        String shardKey,
    @JsonPropertyDescription("The table's columns, in order.") @Required @Size(min = 1, max = 64)
        List<ColumnSpec> columns,
    @JsonPropertyDescription(
            "Secondary indexes, each kept by every shard over its rows (docs/sql.md, \"Indexes\")."
                + " Adding or dropping one is an online schema change.")
        @Size(max = TableSchema.MAX_INDEXES)
        List<IndexSpec> indexes) {

  /** A table without secondary indexes. */
  public SchemaSpec(String table, String shardKey, List<ColumnSpec> columns) {
    this(table, shardKey, columns, null);
  }

  /** A SQL-safe identifier, as protocol's TableSchema requires. */
  public static final String IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]{0,63}$";

  /** This schema as the protocol's TableSchema. */
  public TableSchema toTableSchema() {
    List<Column> cols =
        columns == null ? List.of() : columns.stream().map(ColumnSpec::toColumn).toList();
    List<Index> idx =
        indexes == null ? List.of() : indexes.stream().map(IndexSpec::toIndex).toList();
    return new TableSchema(table, shardKey, cols, idx);
  }

  /** The spec form of {@code schema}; no {@code indexes} field when it has none. */
  public static SchemaSpec of(TableSchema schema) {
    List<ColumnSpec> cols =
        schema.columns().stream()
            .map(
                c ->
                    new ColumnSpec(
                        c.name(), c.type(), c.nullable(), c.defaultValue(), c.autoIncrement()))
            .toList();
    List<IndexSpec> idx =
        schema.indexes().isEmpty() ? null : schema.indexes().stream().map(IndexSpec::of).toList();
    return new SchemaSpec(schema.table(), schema.shardKey(), cols, idx);
  }
}
