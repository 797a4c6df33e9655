package io.shardeddb.protocol.lb;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The contract's plain reply, {@code {"message":"..","status":"success"}}; errors use the same
 * shape with {@code "status":"failure"}.
 */
@Serdeable
public record MessageResponse(String message, String status) {
  public static final String SUCCESS = "success";
  public static final String SUCCESSFUL = "successful";
  public static final String FAILURE = "failure";

  public static MessageResponse success(String message) {
    return new MessageResponse(message, SUCCESS);
  }

  public static MessageResponse failure(String message) {
    return new MessageResponse(message, FAILURE);
  }
}
