package io.shardeddb.protocol.client;

/** A non-2xx reply from the router: its HTTP status and the contract's failure message. */
public class RouterException extends ServerCallException {

  public RouterException(int status, String message) {
    super("HTTP " + status + ": " + message, status, message, null);
  }
}
