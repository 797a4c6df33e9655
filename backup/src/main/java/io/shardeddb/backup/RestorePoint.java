package io.shardeddb.backup;

import java.util.Map;

/**
 * A named cut consistent across shards: the LSN each shard's primary had committed while every
 * shard was fenced at once, so no write acknowledged after the cut is inside it and every write
 * acknowledged before it is.
 */
public record RestorePoint(
    String name, String database, long createdAtMillis, Map<String, Long> lsns) {}
