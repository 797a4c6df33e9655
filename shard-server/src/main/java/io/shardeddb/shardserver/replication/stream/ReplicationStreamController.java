package io.shardeddb.shardserver.replication.stream;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.shardeddb.shardserver.ShardException;

/**
 * Where this server offers the replication stream (a primary asks before it connects; a server
 * without the stream answers 404, and is called over HTTP). Takes what {@code /replicate} takes: a
 * shard-server certificate with TLS on, the shard credential.
 */
@Controller
public class ReplicationStreamController {
  private final ReplicationStreamServer server;

  public ReplicationStreamController(ReplicationStreamServer server) {
    this.server = server;
  }

  @Get("/replicate/stream")
  public StreamOffer offer() {
    int port = server.port();
    if (port < 0) {
      throw ShardException.notFound("this server does not offer the replication stream");
    }
    return new StreamOffer(port);
  }
}
