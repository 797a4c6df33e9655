package io.shardeddb.protocol.lb;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The assignment's schema: column names and their dtypes, one to one. */
@Serdeable
public record SchemaDoc(List<String> columns, List<String> dtypes) {}
