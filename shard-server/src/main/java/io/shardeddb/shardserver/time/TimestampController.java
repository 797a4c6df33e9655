package io.shardeddb.shardserver.time;

import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.time.TimestampRequest;
import io.shardeddb.protocol.time.TimestampResponse;

/**
 * {@code POST /timestamps} on the oracle shard's primary (DESIGN §11): the router's call, with its
 * data credential. {@code {"count": n}} → {@code {"first": ts, "count": n, "epoch": e}}.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class TimestampController {
  private final TimestampService service;

  public TimestampController(TimestampService service) {
    this.service = service;
  }

  @Post(ShardEndpoints.TIMESTAMPS)
  public TimestampResponse timestamps(@Body TimestampRequest request) {
    if (request == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    return service.allocate(request.validCount());
  }
}
