package io.shardeddb.router.http;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.shardeddb.protocol.lb.MessageResponse;
import jakarta.inject.Singleton;

/**
 * Gives every error Micronaut itself produces (unknown path, wrong method, unsupported media type,
 * oversized body, an unexpected exception) the contract's {@code {"message","status":"failure"}}
 * body. A 5xx says only "internal error": details go to the log, never to the client.
 */
@Singleton
@Primary
@Replaces(ErrorResponseProcessor.class)
public class FailureResponses implements ErrorResponseProcessor<MessageResponse> {

  @Override
  public MutableHttpResponse<MessageResponse> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    String message;
    if (response.getStatus().getCode() >= 500) {
      message = "internal error";
    } else if (response.getStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
      message = "request body is larger than the limit (micronaut.server.max-request-size)";
    } else {
      message =
          context.getErrors().stream()
              .map(Error::getMessage)
              .findFirst()
              .orElse(response.getStatus().getReason());
    }
    return response
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(MessageResponse.failure(message));
  }
}
