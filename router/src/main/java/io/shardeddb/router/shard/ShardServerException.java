package io.shardeddb.router.shard;

import io.shardeddb.protocol.client.ServerCallException;
import io.shardeddb.protocol.shard.ShardEndpoints;

/**
 * A shard-server call of the router's that failed: the HTTP status it answered ({@code 0} when it
 * could not be reached or timed out) and its failure message (the same {@link ServerCallException}
 * the operator's and the CLI's clients throw, with the replica's URL).
 */
public class ShardServerException extends ServerCallException {
  /** The status used when no HTTP answer arrived (refused, reset, timed out). */
  public static final int UNREACHABLE = NO_ANSWER;

  private final String url;

  public ShardServerException(String url, int status, String message) {
    super(message, status, status == NO_ANSWER ? null : message, null);
    this.url = url;
  }

  /** The shard-server's base URL. */
  public String url() {
    return url;
  }

  /**
   * Whether the shard-server refused the call because it does not own the key range the router's
   * layout gave it ({@link ShardEndpoints#NOT_OWNED}): the layout is old, so the request must be
   * routed again by a newer one (not retried at the same shard).
   */
  public boolean notOwned() {
    return status() == ShardEndpoints.NOT_OWNED;
  }

  /**
   * Whether the call may succeed against another replica or after a topology change: the replica
   * was unreachable, is no longer primary (409 "not primary: .."; other 409s such as a duplicate
   * key are final), or could not reach its quorum (503). A read stopped at the deadline the router
   * gave it ({@link ShardEndpoints#DEADLINE_PASSED}) is final: no time is left for another try.
   */
  public boolean retriable() {
    int status = status();
    if (status == ShardEndpoints.DEADLINE_PASSED) {
      return false;
    }
    if (status == 409) {
      return getMessage() != null && getMessage().startsWith("not primary");
    }
    return status == UNREACHABLE || status == 502 || status >= 503;
  }
}
