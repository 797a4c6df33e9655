package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The fields of the spec that cannot change once applied, as the operator last applied them (kept
 * in the status): the operator refuses a spec that changes them, even when no CEL rule stopped it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppliedSpec(
    @JsonPropertyDescription("The schema the shards' tables were created with.") SchemaSpec schema,
    @JsonPropertyDescription("Each shard's id and key range.") List<AppliedShard> shards,
    @JsonPropertyDescription("The volume size of the shard pods (effective, default included).")
        String storageSize,
    @JsonPropertyDescription("The StorageClass of the shard volumes; absent for the default.")
        String storageClassName,
    @JsonPropertyDescription("The Secret holding the router token (effective name).")
        String routerTokenSecret,
    @JsonPropertyDescription("The Secret holding the MySQL credentials (effective name).")
        String mysqlSecret) {

  /** A shard's id and range {@code [low, low+size)}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AppliedShard(String id, long low, long size) {}

  /** Shards, never null. */
  public List<AppliedShard> shardsOrEmpty() {
    return shards == null ? List.of() : shards;
  }
}
