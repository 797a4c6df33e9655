package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.OffsetDateTime;

/**
 * What a new database is restored from: the backups of database {@code source} in this database's
 * backup store, to exactly one of a named backup, a time, a restore point, or a global timestamp.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "(has(self.backup) ? 1 : 0) + (has(self.time) ? 1 : 0) + (has(self.restorePoint) ? 1 : 0)"
            + " + (has(self.timestamp) ? 1 : 0) == 1",
    message =
        "spec.bootstrap.fromBackup needs exactly one of backup, time, restorePoint or timestamp")
public record FromBackupSpec(
    @JsonPropertyDescription("The database whose backups to restore (its name in the store).")
        @Required
        String source,
    @JsonPropertyDescription("A base backup's name: the database as that backup holds it.")
        String backup,
    @JsonPropertyDescription(
            "An RFC 3339 time: every shard as of its last entry committed at or before it"
                + " (point-in-time recovery).")
        String time,
    @JsonPropertyDescription(
            "A restore point's name: every shard exactly at the cross-shard consistent cut it"
                + " recorded.")
        String restorePoint,
    @JsonPropertyDescription(
            "A global timestamp (a write's `timestamp`, docs/timestamps.md): every shard exactly"
                + " as of its archived entries stamped at or below it, one cut across shards"
                + " whatever their clocks say.")
        Long timestamp) {

  /** A restore to a backup, a time or a restore point (no global timestamp). */
  public FromBackupSpec(String source, String backup, String time, String restorePoint) {
    this(source, backup, time, restorePoint, null);
  }

  /** An RFC 3339 time of {@code time} as epoch milliseconds; IllegalArgumentException naming it. */
  public static long epochMillis(String rfc3339) {
    try {
      return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "spec.bootstrap.fromBackup.time '" + rfc3339 + "' is not an RFC 3339 time", e);
    }
  }
}
