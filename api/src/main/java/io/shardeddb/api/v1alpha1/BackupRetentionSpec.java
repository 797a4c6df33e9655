package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How long base backups are kept: the newest maxCount, none older than maxAgeDays. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupRetentionSpec(
    @JsonPropertyDescription("Keep at most this many complete backups (the newest).")
        @Min(1)
        @Max(1000)
        Integer maxCount,
    @JsonPropertyDescription("Delete complete backups older than this many days.")
        @Min(1)
        @Max(36500)
        Integer maxAgeDays) {}
