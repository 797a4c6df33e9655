package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /write} on a shard-server (the assignment's {@code {"shard":"sh2","curr_idx":507,
 * "data":[..]}}), plus an optional {@code requestId}: a retry with the same id is acknowledged
 * without being applied twice, and an optional W3C {@code traceparent}: the router's span of the
 * client request it serves (docs/monitoring.md, "Traces"; {@code
 * io.shardeddb.protocol.trace.TraceContext}), absent while traces are off. Per request, so a
 * coalesced {@code /write/batch} carries each request's own. An optional {@code table} names the
 * table the rows are of (absent: the database's first table, the assignment's; issue 46). An
 * optional {@code clientRequestId} is the request id the router logs the client's request under
 * ({@code io.shardeddb.protocol.logging.RequestIds}; the client's {@code X-Request-Id} or one the
 * router made): the primary logs its handling of the write under it (docs/monitoring.md, "Logs").
 * It is not {@code requestId}, the write's idempotency key: that one is unique per write and shard,
 * while a client may send the same {@code X-Request-Id} with many requests.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardWriteRequest(
    String shard,
    @JsonProperty("curr_idx") Integer currIdx,
    List<Map<String, Object>> data,
    String requestId,
    Long timestamp,
    String traceparent,
    String table,
    String clientRequestId) {

  /** A write whose client request id is not known (the simulator, older routers, tests). */
  public ShardWriteRequest(
      String shard,
      Integer currIdx,
      List<Map<String, Object>> data,
      String requestId,
      Long timestamp,
      String traceparent,
      String table) {
    this(shard, currIdx, data, requestId, timestamp, traceparent, table, null);
  }

  /** A write of the database's first table. */
  public ShardWriteRequest(
      String shard,
      Integer currIdx,
      List<Map<String, Object>> data,
      String requestId,
      Long timestamp,
      String traceparent) {
    this(shard, currIdx, data, requestId, timestamp, traceparent, null);
  }

  /** A write that names no trace (traces off, older routers). */
  public ShardWriteRequest(
      String shard,
      Integer currIdx,
      List<Map<String, Object>> data,
      String requestId,
      Long timestamp) {
    this(shard, currIdx, data, requestId, timestamp, null);
  }

  /** A write without a global timestamp (the primary stamps it above the log's last). */
  public ShardWriteRequest(
      String shard, Integer currIdx, List<Map<String, Object>> data, String requestId) {
    this(shard, currIdx, data, requestId, null, null);
  }
}
