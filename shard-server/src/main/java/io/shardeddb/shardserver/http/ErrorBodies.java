package io.shardeddb.shardserver.http;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import io.shardeddb.protocol.lb.MessageResponse;
import jakarta.inject.Singleton;

/**
 * Makes every framework error (malformed JSON, missing body, unknown route, wrong method) use the
 * contract's {@code {"message":..,"status":"failure"}} body instead of Micronaut's own shape.
 */
@Singleton
@Primary
public class ErrorBodies implements JsonErrorResponseBodyProvider<MessageResponse> {
  @Override
  public MessageResponse body(ErrorContext context, HttpResponse<?> response) {
    String message =
        context.getErrors().isEmpty() ? response.reason() : context.getErrors().get(0).getMessage();
    return MessageResponse.failure(message);
  }
}
