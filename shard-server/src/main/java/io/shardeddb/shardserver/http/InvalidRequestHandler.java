package io.shardeddb.shardserver.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import jakarta.inject.Singleton;

/** Bad input (wrong type, unknown column, missing field, foreign key) becomes a 400 body. */
@Produces
@Singleton
public class InvalidRequestHandler
    implements ExceptionHandler<InvalidRequestException, HttpResponse<MessageResponse>> {
  @Override
  public HttpResponse<MessageResponse> handle(HttpRequest request, InvalidRequestException e) {
    return HttpResponse.badRequest(MessageResponse.failure(e.getMessage()));
  }
}
