package io.shardeddb.shardserver.storage;

/** A database failure (unreachable server, failed statement) while serving a request. */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
