package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /add}: {@code n} new servers, the new shards and which shards each new
 * server holds. A server named {@code Server[5]} means "pick an id".
 */
@Serdeable
public record AddRequest(
    Integer n,
    @JsonProperty("new_shards") List<ShardDoc> newShards,
    Map<String, List<String>> servers) {}
