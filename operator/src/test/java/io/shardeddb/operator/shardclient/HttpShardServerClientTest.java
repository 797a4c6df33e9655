package io.shardeddb.operator.shardclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's calls carry the shard credential registered for the pod's URL, and only that. */
class HttpShardServerClientTest {

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String url;
  private final HttpShardServerClient client =
      new HttpShardServerClient(Duration.ofSeconds(5), Duration.ofSeconds(10));

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/checksum",
        ex -> {
          String authorization = ex.getRequestHeaders().getFirst("Authorization");
          seen.add(String.valueOf(authorization));
          boolean ok = "Bearer good".equals(authorization);
          byte[] body =
              (ok ? "{\"rows\":0,\"digest\":\"d\",\"lsn\":0}" : "{\"message\":\"no\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(ok ? 200 : 401, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aRegisteredUrlGetsItsDatabasesCredentialAndAForgottenOneNone() {
    assertThatThrownBy(() -> client.checksum(url))
        .isInstanceOfSatisfying(
            ShardServerException.class, e -> assertThat(e.status()).isEqualTo(401));

    client.useCredential("ns/db", List.of(url), "good");
    client.checksum(url);

    client.useCredential("ns/db", List.of(), "good");
    assertThatThrownBy(() -> client.checksum(url)).isInstanceOf(ShardServerException.class);
    assertThat(seen).containsExactly("null", "Bearer good", "null");
  }

  @Test
  void aPodIpTakenOverByAnotherDatabaseKeepsTheNewOwnersCredential() {
    client.useCredential("ns/a", List.of(url), "stale");
    client.useCredential("ns/b", List.of(url), "good");
    // Database a's next pass no longer sees that pod: it must not erase b's entry.
    client.useCredential("ns/a", List.of(), "stale");

    client.checksum(url);
    assertThat(seen).containsExactly("Bearer good");
  }
}
