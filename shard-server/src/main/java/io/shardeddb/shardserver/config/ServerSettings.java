package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** {@code shardeddb.server.*}: this replica's name (the pod name), used in replies and peers. */
@ConfigurationProperties("shardeddb.server")
public record ServerSettings(@Bindable(defaultValue = "shard-server") String name) {}
