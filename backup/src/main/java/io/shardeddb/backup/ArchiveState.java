package io.shardeddb.backup;

/**
 * How far a shard's archive reaches: every entry up to {@code archivedLsn} (epoch {@code
 * archivedEpoch}) is in a segment, and every entry committed at or before {@code
 * archivedThroughMillis} is at or below {@code archivedLsn}. Written by the shard's primary after
 * each segment (and on an idle tick), read by restores and by secondaries as their trim floor.
 */
public record ArchiveState(
    String shard,
    long archivedLsn,
    long archivedEpoch,
    long archivedThroughMillis,
    String writer) {}
