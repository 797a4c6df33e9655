package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.PointRange;

/**
 * Body of {@code POST /ranges/fence}, {@code /ranges/adopt} and {@code /ranges/purge} on a shard's
 * primary (docs/resharding.md). {@code moveId} names the move (recorded in the entry); {@code
 * range} is in points (keys, or hashes under {@code Hash} sharding). Each change is a replicated
 * log entry, acknowledged once a write quorum holds it, so it survives a failover of the shard.
 * Each is idempotent by its effect: a repeat appends a new entry and answers that entry's position.
 */
@Serdeable
public record RangeChange(String moveId, PointRange range) {}
