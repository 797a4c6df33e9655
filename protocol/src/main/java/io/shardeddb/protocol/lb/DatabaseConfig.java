package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /init} and of the {@code GET /status} reply: the number of servers, the
 * schema, the shards and which servers hold which shards ({@code "Server0":["sh1","sh2"]}).
 */
@Serdeable
@JsonPropertyOrder({"N", "schema", "shards", "servers"})
public record DatabaseConfig(
    @JsonProperty("N") Integer n,
    SchemaDoc schema,
    List<ShardDoc> shards,
    Map<String, List<String>> servers) {}
