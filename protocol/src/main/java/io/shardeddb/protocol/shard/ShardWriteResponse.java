package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The shard-server's reply to {@code /write}, {@code /update} and {@code /del}: the assignment's
 * message and status ({@code current_idx} for writes), plus the log position {@code (epoch, lsn)}
 * at which the change was acknowledged (for session tokens; the epoch is the primary's when it
 * answered, which for a deduplicated retry of an older epoch's entry only makes a session read fall
 * back to the primary).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"message", "current_idx", "status", "lsn", "epoch"})
public record ShardWriteResponse(
    String message,
    @JsonProperty("current_idx") Integer currentIdx,
    String status,
    Long lsn,
    Long epoch) {

  /** A reply without an epoch (older shard-servers). */
  public ShardWriteResponse(String message, Integer currentIdx, String status, Long lsn) {
    this(message, currentIdx, status, lsn, null);
  }
}
