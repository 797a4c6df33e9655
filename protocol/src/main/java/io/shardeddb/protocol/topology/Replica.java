package io.shardeddb.protocol.topology;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One replica of a shard: its name (the pod name in a cluster), the base URL of its shard-server
 * (e.g. {@code http://students-sh1-0.students-sh1.ns.svc:8081}) and its current role.
 */
@Serdeable
public record Replica(String name, String url, Role role) {}
