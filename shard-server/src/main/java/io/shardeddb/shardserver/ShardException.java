package io.shardeddb.shardserver;

/**
 * A request that cannot be served in this replica's current state (not primary, missing row, quorum
 * not reached, stale epoch). It carries the HTTP status the client should see; the message is safe
 * to return as the {@code {"message":..,"status":"failure"}} body.
 */
public class ShardException extends RuntimeException {
  private final int status;
  private final long epoch;

  public ShardException(int status, String message) {
    this(status, message, -1);
  }

  /** {@code epoch} (when not negative) is sent back in a header so a fenced primary learns it. */
  public ShardException(int status, String message, long epoch) {
    super(message);
    this.status = status;
    this.epoch = epoch;
  }

  public int status() {
    return status;
  }

  public long epoch() {
    return epoch;
  }

  public static ShardException notFound(String message) {
    return new ShardException(404, message);
  }

  public static ShardException conflict(String message) {
    return new ShardException(409, message);
  }

  public static ShardException unavailable(String message) {
    return new ShardException(503, message);
  }
}
