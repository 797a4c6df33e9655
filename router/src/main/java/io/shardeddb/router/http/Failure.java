package io.shardeddb.router.http;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.topology.StaleTopologyException;
import org.slf4j.Logger;

/**
 * The HTTP status and client-safe message for a failure, by the one rule every endpoint uses: an
 * {@link ApiException} keeps its own status, a bad request is 400, a stale topology 409, and
 * anything else is logged and answered 500 without its details.
 */
public record Failure(int status, String message) {

  /**
   * Classifies {@code e}; an unexpected one is logged on {@code log} as failing {@code serving}.
   */
  public static Failure of(Throwable e, Logger log, String serving) {
    if (e instanceof ApiException a) {
      return new Failure(a.status(), a.getMessage());
    } else if (e instanceof InvalidRequestException) {
      return new Failure(400, e.getMessage());
    } else if (e instanceof StaleTopologyException) {
      return new Failure(409, e.getMessage());
    }
    log.error("unexpected failure serving {}", serving, e);
    return new Failure(500, "internal error");
  }
}
