package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The outcome of {@code POST /schema}: the log position {@code (epoch, lsn)} of the Schema entry
 * (acknowledged by the write quorum: every write after it may use the new columns) and the schema
 * version the shard is at.
 */
@Serdeable
public record SchemaChangeResponse(long epoch, long lsn, long version) {}
