package io.shardeddb.protocol;

/**
 * A request that breaks the contract (wrong type, unknown column, missing field, key outside the
 * shard). The message names the problem and is safe to return to the client as a 4xx body.
 */
public class InvalidRequestException extends RuntimeException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
