package io.shardeddb.shardserver.replication.stream;

import io.micronaut.serde.annotation.Serdeable;

/** {@code GET /replicate/stream}: the port this server's replication stream listens on. */
@Serdeable
public record StreamOffer(int port) {}
