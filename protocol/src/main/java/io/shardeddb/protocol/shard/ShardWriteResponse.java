package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The shard-server's reply to {@code /write}, {@code /update} and {@code /del}: the assignment's
 * message and status ({@code current_idx} for writes), plus the LSN at which the change was
 * acknowledged (for session tokens).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"message", "current_idx", "status", "lsn"})
public record ShardWriteResponse(
    String message, @JsonProperty("current_idx") Integer currentIdx, String status, Long lsn) {}
