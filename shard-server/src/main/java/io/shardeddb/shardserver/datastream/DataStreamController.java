package io.shardeddb.shardserver.datastream;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.stream.ReplicationStreamServer;
import io.shardeddb.shardserver.replication.stream.StreamOffer;

/**
 * Where this server offers the data channel ({@code GET /data/stream}, a data endpoint: the router
 * certificate with TLS on, the data or shard credential): the stream port, which also carries
 * replication. A router asks before it connects; 404 (no stream port) or an older server's refusal
 * of the unknown path keeps that router on HTTP.
 */
@Controller
public class DataStreamController {
  private final ReplicationStreamServer server;

  public DataStreamController(ReplicationStreamServer server) {
    this.server = server;
  }

  @Get(DataFrames.OFFER_PATH)
  public StreamOffer offer() {
    int port = server.port();
    if (port < 0) {
      throw ShardException.notFound("this server does not offer the data stream");
    }
    return new StreamOffer(port);
  }
}
