package io.shardeddb.protocol.client;

/** A non-2xx reply from the router: its HTTP status and the contract's failure message. */
public class RouterException extends RuntimeException {
  private final int status;
  private final String reason;

  public RouterException(int status, String message) {
    super("HTTP " + status + ": " + message);
    this.status = status;
    this.reason = message;
  }

  /** The router's failure message alone, without the status. */
  public String reason() {
    return reason;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }
}
