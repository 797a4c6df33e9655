package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** The reply to {@code POST /read}: the shards queried and the rows in key order. */
@Serdeable
@JsonPropertyOrder({"shards_queried", "data", "status"})
public record ReadResponse(
    @JsonProperty("shards_queried") List<String> shardsQueried,
    List<Map<String, Object>> data,
    String status) {}
