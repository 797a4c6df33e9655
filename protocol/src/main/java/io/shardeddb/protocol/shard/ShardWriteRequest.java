package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /write} on a shard-server (the assignment's {@code {"shard":"sh2","curr_idx":507,
 * "data":[..]}}), plus an optional {@code requestId}: a retry with the same id is acknowledged
 * without being applied twice.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardWriteRequest(
    String shard,
    @JsonProperty("curr_idx") Integer currIdx,
    List<Map<String, Object>> data,
    String requestId,
    Long timestamp) {

  /** A write without a global timestamp (the primary stamps it above the log's last). */
  public ShardWriteRequest(
      String shard, Integer currIdx, List<Map<String, Object>> data, String requestId) {
    this(shard, currIdx, data, requestId, null);
  }
}
