package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.shardeddb.protocol.schema.ColumnType;

/** One column of the table. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ColumnSpec(
    @JsonPropertyDescription("The column name (letters, digits, underscores).")
        @Required
        @Size(max = 64)
        @Pattern(SchemaSpec.IDENTIFIER)
        String name,
    @JsonPropertyDescription("The column's data type.") @Required ColumnType type) {}
