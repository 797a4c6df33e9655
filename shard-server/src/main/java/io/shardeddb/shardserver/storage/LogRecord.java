package io.shardeddb.shardserver.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * One row of {@code replication_log}; {@code payload} is the entry's rows as JSON, {@code
 * commitMillis} its commit time, {@code globalTs} its global timestamp (0: written before entries
 * carried one) and {@code tableName} its table (null: the database's first table). The key is in
 * {@code rowKey} for a Number shard key, in {@code rowKeyText} for a String one (V6) and in {@code
 * rowKeyTuple} as a JSON array for a composite primary key (V7).
 */
@MappedEntity("replication_log")
public record LogRecord(
    @Id Long lsn,
    long epoch,
    String op,
    @Nullable Long rowKey,
    @Nullable String requestId,
    @Nullable String payload,
    long commitMillis,
    long globalTs,
    @Nullable String tableName,
    @Nullable String rowKeyText,
    @Nullable String rowKeyTuple) {}
