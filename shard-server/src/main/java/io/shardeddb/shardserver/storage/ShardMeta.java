package io.shardeddb.shardserver.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** The single row of {@code shard_meta}: what this replica persisted about itself. */
@MappedEntity("shard_meta")
public record ShardMeta(
    @Id Integer id,
    @Nullable String configJson,
    long epoch,
    String role,
    @Nullable String primaryName,
    @Nullable String primaryUrl,
    @Nullable String peersJson,
    String writeQuorum,
    long appliedLsn,
    long lastEntryEpoch,
    long logStartLsn,
    long logStartEpoch,
    boolean copyPending,
    long voteEpoch,
    @Nullable String votedPrimary,
    int specReplicas) {}
