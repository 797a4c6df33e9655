package io.shardeddb.router.shard;

import io.micronaut.serde.annotation.Serdeable;

/** {@code GET /data/stream}: the port a shard-server offers the data stream on. */
@Serdeable
public record DataStreamOffer(int port) {}
