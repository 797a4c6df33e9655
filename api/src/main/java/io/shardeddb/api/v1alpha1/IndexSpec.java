package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.shardeddb.protocol.schema.Index;
import java.util.List;

/**
 * A secondary index of the table: each shard keeps it over its own rows (docs/sql.md, "Indexes").
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexSpec(
    @JsonPropertyDescription("The index name (letters, digits, underscores; not PRIMARY).")
        @Required
        @Size(max = 64)
        @Pattern(SchemaSpec.IDENTIFIER)
        String name,
    @JsonPropertyDescription(
            "The columns it is on, in order (not Json columns); a filter on its leading columns"
                + " reads the index instead of every row of each shard.")
        @Required
        @Size(min = 1, max = Index.MAX_COLUMNS)
        List<@Size(max = 64) String> columns) {

  /** This index as the protocol's Index. */
  public Index toIndex() {
    return new Index(name, columns);
  }

  /** The spec form of {@code index}. */
  public static IndexSpec of(Index index) {
    return new IndexSpec(index.name(), index.columns());
  }
}
