package io.shardeddb.cli.data;

/** A data command cannot run; the message tells the user why and what to do. */
public final class DataCommandException extends RuntimeException {
  public DataCommandException(String message) {
    super(message);
  }
}
