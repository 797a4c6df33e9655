package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code GET /checksum}: a deterministic digest of every row (in key order) and the row count, at
 * {@code appliedLsn}, so two replicas can be compared.
 */
@Serdeable
public record ChecksumResponse(String shard, long rows, String digest, long appliedLsn) {}
