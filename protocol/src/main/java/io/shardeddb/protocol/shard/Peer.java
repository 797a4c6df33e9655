package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/** A replica of the same shard: its name (pod name) and the base URL of its shard-server. */
@Serdeable
public record Peer(String name, String url) {}
