package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Which database to back up; the backup's name is the resource's name. */
@JsonClassDescription("Which database to back up and how; it cannot change once created.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "self == oldSelf", message = "a backup's spec cannot change")
public record ShardedDatabaseBackupSpec(
    @JsonPropertyDescription(
            "The ShardedDatabase (same namespace) to back up; it must have spec.backup.")
        @Required
        String database,
    @JsonPropertyDescription(
            "Base (default): a consistent snapshot of every shard. RestorePoint: a named"
                + " cross-shard consistent cut of the archive (every shard fenced for a moment),"
                + " no snapshot.")
        BackupMethod method) {

  /** What a backup resource takes. */
  public enum BackupMethod {
    Base,
    RestorePoint
  }

  public BackupMethod methodOrDefault() {
    return method == null ? BackupMethod.Base : method;
  }
}
