package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.shardserver.config.ReplicationSettings;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Rule 10 on the wire: deadlines on calls to a frozen peer, and the configured local address. */
class PeerClientTest {
  static ReplicationSettings settings(Duration requestTimeout, String localAddress) {
    return new ReplicationSettings(
        Duration.ofSeconds(3),
        512,
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        2000,
        1_000_000,
        Duration.ofSeconds(10),
        requestTimeout,
        Duration.ofSeconds(2),
        Duration.ofMillis(200),
        localAddress,
        4,
        false,
        -1);
  }

  @Test
  void aPeerThatAcceptsAndNeverAnswersCostsOneRequestDeadline() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket frozen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PeerClient client =
            new PeerClient(
                JsonMapper.createDefault(),
                settings(Duration.ofMillis(800), null),
                CredentialSource.fixed("peer-secret"))) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try {
                  held.add(frozen.accept());
                } catch (Exception ignored) {
                  // The test closes the socket.
                }
              });
      String url = "http://127.0.0.1:" + frozen.getLocalPort();

      assertThatThrownBy(() -> client.log(url, 1, 0, "me", 10))
          .isInstanceOf(HttpTimeoutException.class);
      assertThatThrownBy(() -> client.snapshot(url, "primary", 1))
          .isInstanceOf(HttpTimeoutException.class);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void outgoingCallsBindToTheConfiguredLocalAddressAndCarryTheShardCredential() throws Exception {
    AtomicReference<InetAddress> seen = new AtomicReference<>();
    AtomicReference<String> authorization = new AtomicReference<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/log",
        ex -> {
          seen.set(ex.getRemoteAddress().getAddress());
          authorization.set(ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body = "{\"entries\":[],\"lastLsn\":0}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try (PeerClient client =
        new PeerClient(
            JsonMapper.createDefault(),
            settings(Duration.ofSeconds(5), "127.0.0.7"),
            CredentialSource.fixed("peer-secret"))) {
      client.log("http://127.0.0.1:" + server.getAddress().getPort(), 1, 0, "me", 10);
      assertThat(seen.get()).isEqualTo(InetAddress.getByName("127.0.0.7"));
      assertThat(authorization.get()).isEqualTo("Bearer peer-secret");
    } finally {
      server.stop(0);
    }
  }
}
