package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router sends the shard credential on every shard-server call: the file {@code token} of the
 * mounted Secret directory, and the new value once that file changes (a rotation).
 */
class ShardServerClientCredentialTest {

  @TempDir Path secret;

  @Test
  void callsCarryTheMountedTokenAndFollowItsRotation() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/heartbeat",
        ex -> {
          seen.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    Files.writeString(secret.resolve("token"), "first\n");
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "shardeddb.router.shard-auth.credentials-dir",
                secret.toString(),
                "shardeddb.router.auth.enabled",
                "false"))) {
      ShardServerClient client = ctx.getBean(ShardServerClient.class);
      String url = "http://127.0.0.1:" + server.getAddress().getPort();

      client.heartbeat(url).block(Duration.ofSeconds(30));
      assertThat(seen).last().isEqualTo("Bearer first");

      Files.writeString(secret.resolve("token"), "second");
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                client.heartbeat(url).block(Duration.ofSeconds(30));
                assertThat(seen).last().isEqualTo("Bearer second");
              });
    } finally {
      server.stop(0);
    }
  }
}
