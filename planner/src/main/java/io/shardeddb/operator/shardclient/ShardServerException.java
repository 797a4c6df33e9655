package io.shardeddb.operator.shardclient;

import io.shardeddb.protocol.client.ServerCallException;

/** A shard-server call failed: unreachable, timed out, or answered with an error status. */
public class ShardServerException extends ServerCallException {

  /** A failure with the HTTP status (0 when there was no answer). */
  public ShardServerException(String message, int status, Throwable cause) {
    this(message, status, null, cause);
  }

  /** As above, with the shard-server's own message ({@code reason}, null: none). */
  public ShardServerException(String message, int status, String reason, Throwable cause) {
    super(message, status, reason, cause);
  }

  /** Whether the replica refused because it has seen a higher epoch. */
  public boolean staleEpoch() {
    return status() == 409;
  }
}
