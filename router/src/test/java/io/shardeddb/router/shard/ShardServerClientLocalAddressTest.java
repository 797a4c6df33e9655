package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ShardServerClientLocalAddressTest {
  @Test
  void withALocalAddressConfigured_callsToShardServersLeaveFromIt() throws Exception {
    AtomicReference<String> seenFrom = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/heartbeat",
        ex -> {
          seenFrom.set(ex.getRemoteAddress().getAddress().getHostAddress());
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "shardeddb.router.local-address", "127.0.0.9",
                "shardeddb.router.auth.enabled", "false"))) {
      ShardServerClient client = ctx.getBean(ShardServerClient.class);
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      client.heartbeat(url).onErrorComplete().block(Duration.ofSeconds(30));
      assertThat(seenFrom.get()).isEqualTo("127.0.0.9");
    } finally {
      server.stop(0);
    }
  }
}
