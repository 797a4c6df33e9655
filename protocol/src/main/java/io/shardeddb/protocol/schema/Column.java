package io.shardeddb.protocol.schema;

import io.micronaut.serde.annotation.Serdeable;

/** One column of the user's table. */
@Serdeable
public record Column(String name, ColumnType type) {}
