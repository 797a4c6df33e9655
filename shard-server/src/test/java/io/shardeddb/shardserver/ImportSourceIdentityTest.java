package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A move's import reads the range only from the source primary it chose (docs/resharding.md; DESIGN
 * §5 rules 4, 7 and 13): it names that primary and its epoch on every range {@code /snapshot} and
 * {@code /log} call, and any other server answering at that address refuses (421), as a re-copy's
 * pulls do. Here the source primary's address is answered by two servers: its heartbeat by the
 * source primary, everything else by another shard's primary — what a caller sees when the pod IP
 * it chose is reused by another pod between its calls.
 */
class ImportSourceIdentityTest {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final PointRange MOVED = new PointRange(1024, 1024);
  private static final String DEST_CONFIG = ThreeReplicaShard.EMPTY_SH2_CONFIG;
  private static final String OTHER_CONFIG =
      ThreeReplicaShard.CONFIG
          .replace("[\"sh1\"]", "[\"sh3\"]")
          .replace("\"low\":0, \"size\":4096", "\"low\":8192, \"size\":4096");

  private ThreeReplicaShard source;
  private ThreeReplicaShard dest;
  private ThreeReplicaShard other;
  private HttpServer address;
  private final List<String> atOther = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopAll() {
    if (address != null) {
      address.stop(0);
    }
    for (ThreeReplicaShard s : new ThreeReplicaShard[] {source, dest, other}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName(
      "an import whose source address is answered by another shard's primary imports nothing from"
          + " it and says why")
  void anImportNeverCopiesFromAnotherServerAtItsSourcesAddress() {
    source = new ThreeReplicaShard();
    source.assignAll(1, 0);
    dest = new ThreeReplicaShard(DEST_CONFIG);
    dest.assignAll(1, 0);
    other = new ThreeReplicaShard(OTHER_CONFIG);
    other.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(source);
    ThreeReplicaShard.awaitReady(dest);
    ThreeReplicaShard.awaitReady(other);
    Replica s0 = source.get(0);
    for (long k = 1000; k < 1300; k += 100) {
      Http.Reply r = ThreeReplicaShard.writeRange(s0, k, k + 100);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    address = split(s0.url(), other.get(0).url());
    String shared = "http://127.0.0.1:" + address.getAddress().getPort();

    Replica d = dest.get(0);
    ImportRequest req = new ImportRequest("move-id", "sh1", List.of(shared), MOVED);
    Http.Reply started = Http.post(d.url() + ShardEndpoints.IMPORT, Http.json(req));
    assertThat(started.status()).as(started.raw()).isEqualTo(200);

    await().atMost(PATIENCE).until(() -> atOther.stream().anyMatch(p -> p.startsWith("/snapshot")));
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode p = heartbeat(d).path("importing");
              assertThat(p.path("state").asText())
                  .as("the import, its source address answered by %s: %s", other.get(0).name, p)
                  .isNotEqualTo("CatchingUp");
              assertThat(p.path("rowsCopied").asLong()).as("%s", p).isZero();
            });
    JsonNode p = heartbeat(d).path("importing");
    assertThat(p.path("message").asText())
        .as("%s", p)
        .contains("not the primary " + s0.name + " of epoch 1");
  }

  /**
   * A server at a new address that answers {@code /heartbeat} from {@code heartbeats} and every
   * other call from {@code rest}, recording the paths it sent to {@code rest}.
   */
  private HttpServer split(String heartbeats, String rest) {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      HttpClient client = HttpClient.newHttpClient();
      s.createContext(
          "/",
          ex -> {
            String path = ex.getRequestURI().toString();
            String to = path.startsWith("/heartbeat") ? heartbeats : rest;
            if (to.equals(rest)) {
              atOther.add(path);
            }
            forward(client, ex, to + path);
          });
      s.start();
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void forward(HttpClient client, HttpExchange ex, String url) throws IOException {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url))
              .method(
                  ex.getRequestMethod(),
                  HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        b.header("Authorization", auth);
      }
      HttpResponse<byte[]> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      resp.headers()
          .map()
          .forEach(
              (k, v) -> {
                if (!k.equalsIgnoreCase("content-length")
                    && !k.equalsIgnoreCase("transfer-encoding")
                    && !k.equals(":status")) {
                  ex.getResponseHeaders().put(k, v);
                }
              });
      byte[] body = resp.body();
      ex.sendResponseHeaders(resp.statusCode(), body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(503, -1);
    } finally {
      ex.close();
    }
  }
}
