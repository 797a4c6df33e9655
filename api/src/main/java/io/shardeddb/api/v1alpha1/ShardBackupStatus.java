package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One shard's part of a backup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardBackupStatus(
    @JsonPropertyDescription("The shard id.") String shard,
    @JsonPropertyDescription("The LSN the shard's snapshot (or cut) is at.") Long lsn,
    @JsonPropertyDescription("Rows in the snapshot.") Long rows,
    @JsonPropertyDescription("SHA-256 over the rows (as /checksum computes it).") String checksum,
    @JsonPropertyDescription("Bytes written to the store.") Long bytes,
    @JsonPropertyDescription("The replica the snapshot was read from.") String takenFrom,
    @JsonPropertyDescription("Running, Completed or Failed.") String phase) {}
