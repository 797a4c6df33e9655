package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Where a backup stands: phase, per-shard LSNs, size, start and end, conditions. */
@JsonClassDescription(
    "Where the backup stands: phase, each shard's LSN, size, start and end, conditions.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardedDatabaseBackupStatus(
    @JsonPropertyDescription("Pending, Running, Completed or Failed.") String phase,
    @JsonPropertyDescription("When the operator started it (RFC 3339).") String startedAt,
    @JsonPropertyDescription("When it completed or failed (RFC 3339).") String completedAt,
    @JsonPropertyDescription("Bytes written to the store.") Long sizeBytes,
    @JsonPropertyDescription("Each shard's LSN, rows, checksum and source replica.")
        List<ShardBackupStatus> shards,
    @JsonPropertyDescription("Ready (True once Completed) with the reason when not.")
        List<Condition> conditions,
    @JsonPropertyDescription("A human summary of the last step.") String message) {

  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String COMPLETED = "Completed";
  public static final String FAILED = "Failed";

  public boolean finished() {
    return COMPLETED.equals(phase) || FAILED.equals(phase);
  }
}
