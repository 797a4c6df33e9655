package io.shardeddb.shardserver.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.shardserver.storage.StorageException;
import jakarta.inject.Singleton;

/** The database is unreachable or failed: 503, so callers retry elsewhere. */
@Produces
@Singleton
public class StorageExceptionHandler
    implements ExceptionHandler<StorageException, HttpResponse<MessageResponse>> {
  @Override
  public HttpResponse<MessageResponse> handle(HttpRequest request, StorageException e) {
    return HttpResponse.<MessageResponse>status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(MessageResponse.failure(e.getMessage()));
  }
}
