package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a new database starts: empty (absent), or restored from a backup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BootstrapSpec(
    @JsonPropertyDescription(
            "Restore from another database's backups (only when this database is created; it"
                + " never overwrites data).")
        FromBackupSpec fromBackup) {}
