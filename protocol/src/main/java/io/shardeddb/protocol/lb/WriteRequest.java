package io.shardeddb.protocol.lb;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /write}: rows, each a JSON object of column to value. */
@Serdeable
public record WriteRequest(List<Map<String, Object>> data) {}
