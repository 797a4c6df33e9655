package io.shardeddb.operator.shardclient;

/** A shard-server call failed: unreachable, timed out, or answered with an error status. */
public class ShardServerException extends RuntimeException {

  private final int status;

  /** A failure with the HTTP status (0 when there was no answer). */
  public ShardServerException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, or 0 when the server did not answer. */
  public int status() {
    return status;
  }

  /** Whether the replica refused because it has seen a higher epoch. */
  public boolean staleEpoch() {
    return status == 409;
  }
}
