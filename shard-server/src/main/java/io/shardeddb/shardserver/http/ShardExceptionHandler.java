package io.shardeddb.shardserver.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.PeerClient;
import jakarta.inject.Singleton;

/** State errors keep their status; a 409 from fencing carries this replica's epoch header. */
@Produces
@Singleton
public class ShardExceptionHandler
    implements ExceptionHandler<ShardException, HttpResponse<MessageResponse>> {
  @Override
  public HttpResponse<MessageResponse> handle(HttpRequest request, ShardException e) {
    MutableHttpResponse<MessageResponse> resp =
        HttpResponse.<MessageResponse>status(HttpStatus.valueOf(e.status()))
            .body(MessageResponse.failure(e.getMessage()));
    if (e.epoch() >= 0) {
      resp.header(PeerClient.EPOCH_HEADER, Long.toString(e.epoch()));
    }
    return resp;
  }
}
