package io.shardeddb.router;

/**
 * A request that cannot be served, with the HTTP status and a message safe to show the client (it
 * becomes the contract's {@code {"message":..,"status":"failure"}} body).
 */
public class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }
}
