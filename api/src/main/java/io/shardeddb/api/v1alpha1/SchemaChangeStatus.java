package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * A schema change in flight (docs/sql.md, "Changing the schema"): the version and schema the
 * operator recorded before asking any shard, the shards whose primary applied it (a Schema entry
 * acknowledged by its write quorum), and what holds the rest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SchemaChangeStatus(
    @JsonPropertyDescription("The schema version being applied (the applied one plus one).")
        Long version,
    @JsonPropertyDescription("The schema being applied.") SchemaSpec schema,
    @JsonPropertyDescription("The shards whose primary has applied it.") List<String> appliedOn,
    @JsonPropertyDescription("What holds the other shards, if anything.") String message) {

  /** The shards that applied it, never null. */
  public List<String> appliedOnOrEmpty() {
    return appliedOn == null ? List.of() : appliedOn;
  }
}
