package io.shardeddb.protocol.client;

/**
 * A call to a ShardedDB server (a shard-server or the router) that failed: the HTTP status it
 * answered ({@link #NO_ANSWER} when it could not be reached, timed out or the call was interrupted)
 * and the server's own message. Each client throws its subtype (the operator's {@code
 * ShardServerException}, {@link RouterException}), so callers catch what they know and shared code
 * the status.
 */
public class ServerCallException extends RuntimeException {
  /** The status of a call that got no HTTP answer. */
  public static final int NO_ANSWER = 0;

  private final int status;
  private final String reason;

  /**
   * A failure described by {@code message}, with the HTTP {@code status} ({@link #NO_ANSWER}: none)
   * and the server's message {@code reason} (null: none).
   */
  public ServerCallException(String message, int status, String reason, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.reason = reason;
  }

  /** The HTTP status, or {@link #NO_ANSWER}. */
  public int status() {
    return status;
  }

  /** The server's failure message alone ({@code "message"} of its JSON reply), or null. */
  public String reason() {
    return reason;
  }

  /** Whether the server answered at all (a refusal, not an unreachable server). */
  public boolean answered() {
    return status != NO_ANSWER;
  }
}
