package io.shardeddb.shardserver.http;

import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's line about each client write ({@code /write}, each item of {@code /write/batch},
 * over HTTP or the data stream), at debug: acknowledged at which log position, or refused with
 * which status. Logged while the write's {@code clientRequestId} is the MDC's request id ({@code
 * RequestIds.enter}), so it carries the id the router logged the client's request under
 * (docs/monitoring.md, "Logs"), and it names the write's own id, which the log entry keeps.
 */
final class WriteLines {
  private static final Logger LOG = LoggerFactory.getLogger(WriteLines.class);

  private WriteLines() {}

  static void acked(ShardWriteRequest request, ShardWriteResponse response) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "write {} of {} rows acknowledged at epoch {} lsn {}",
          request.requestId(),
          rows(request),
          response.epoch(),
          response.lsn());
    }
  }

  static void refused(ShardWriteRequest request, int status, String message) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "write {} of {} rows refused: {} {}",
          request.requestId(),
          rows(request),
          status,
          message);
    }
  }

  private static int rows(ShardWriteRequest request) {
    return request.data() == null ? 0 : request.data().size();
  }
}
