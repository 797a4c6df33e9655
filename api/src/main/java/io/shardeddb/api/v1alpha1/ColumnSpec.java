package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;

/**
 * One column of the table: its name and type, whether null is a value, the value a row that leaves
 * it out gets, and whether the shard key is generated (docs/sql.md "Types").
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.default) || !has(self.autoIncrement) || !self.autoIncrement",
    message = "an autoIncrement column has no default")
public record ColumnSpec(
    @JsonPropertyDescription("The column name (letters, digits, underscores).")
        @Required
        @Size(max = 64)
        @Pattern(SchemaSpec.IDENTIFIER)
        String name,
    @JsonPropertyDescription("The column's data type.") @Required ColumnType type,
    @JsonPropertyDescription(
            "Whether null is a value of the column (default false: every row must set it)."
                + " The shard key is never nullable.")
        Boolean nullable,
    @JsonProperty("default")
        @JsonPropertyDescription(
            "The value a row that leaves the column out gets: a literal in the type's text form,"
                + " or CURRENT_TIMESTAMP for a DateTime (UTC).")
        @Size(max = 1024)
        String defaultValue,
    @JsonPropertyDescription(
            "The shard key only: a row that leaves it out gets a generated id, unique across"
                + " shards (docs/sql.md).")
        Boolean autoIncrement) {

  /** A required column without a default. */
  public ColumnSpec(String name, ColumnType type) {
    this(name, type, null, null, null);
  }

  /** This column as the protocol's Column. */
  public Column toColumn() {
    return new Column(name, type, nullable, defaultValue, autoIncrement);
  }
}
