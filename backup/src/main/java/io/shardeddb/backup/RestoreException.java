package io.shardeddb.backup;

/** A restore that cannot be done as asked; the message says why and what is available. */
public class RestoreException extends RuntimeException {
  public RestoreException(String message) {
    super(message);
  }
}
