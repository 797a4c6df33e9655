package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Backups of this database (docs/backup.md): the store, continuous archiving of every shard's
 * committed log, scheduled base backups and their retention.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupSpec(
    @JsonPropertyDescription("Where the archive and the base backups go.") @Required
        BackupStoreSpec store,
    @JsonPropertyDescription(
            "When to take a base backup, in cron syntax (minute hour day-of-month month"
                + " day-of-week, UTC), e.g. '0 3 * * *'; absent: on demand only.")
        String schedule,
    @JsonPropertyDescription("How long base backups are kept.") BackupRetentionSpec retention,
    @JsonPropertyDescription(
            "Seconds between two shipments of a shard's committed log entries: the bound on"
                + " the archive lag (default 2).")
        @Default("2")
        @Min(1)
        @Max(3600)
        Integer archiveIntervalSeconds) {

  /** The archive interval, default 2 seconds. */
  public int archiveIntervalSecondsOrDefault() {
    return archiveIntervalSeconds == null ? 2 : archiveIntervalSeconds;
  }
}
