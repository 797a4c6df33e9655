package io.shardeddb.operator.shardclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resharding calls on the wire as docs/resharding.md names them: methods, paths (from {@link
 * ShardEndpoints}), the move id as a query parameter, JSON bodies both ways, and "no import" (404)
 * read as none rather than as a failure.
 */
class HttpShardServerClientRangesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String url;
  private final HttpShardServerClient client =
      new HttpShardServerClient(Duration.ofSeconds(5), Duration.ofSeconds(10));
  private volatile boolean importRunning = true;

  /** Range changes get no answer until the test ends (a frozen primary). */
  private volatile boolean rangeChangesHang;

  private final CountDownLatch released = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + body);
          int status = 200;
          Object reply;
          String path = ex.getRequestURI().getPath();
          if (path.startsWith("/ranges/") && rangeChangesHang) {
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (path.startsWith("/ranges/")) {
            RangeChange change = JSON.readValue(body, RangeChange.class);
            reply = new RangeChangeResponse(3, 42, List.of(change.range()), 7);
          } else if (ex.getRequestMethod().equals("GET") && !importRunning) {
            status = 404;
            reply = java.util.Map.of("message", "no import", "status", "failure");
          } else if (ex.getRequestMethod().equals("GET")) {
            reply = new ImportProgress("m1", ImportState.CatchingUp, 12, 3, 40, null);
          } else {
            reply = java.util.Map.of("message", "ok", "status", "success");
          }
          byte[] bytes = JSON.writeValueAsBytes(reply);
          ex.sendResponseHeaders(status, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    released.countDown();
    server.stop(0);
  }

  @Test
  void rangeChangesPostTheMoveIdAndRangeAndReadTheLogPosition() {
    PointRange r = new PointRange(2048, 2048);

    RangeChangeResponse fenced =
        client.fenceRange(url, new RangeChange("m1/fence/1", r), Duration.ofSeconds(2));
    client.adoptRange(url, new RangeChange("m1/adopt", r), Duration.ofSeconds(2));
    RangeChangeResponse purged = client.purgeRange(url, new RangeChange("m1/purge", r));

    assertThat(fenced.epoch()).isEqualTo(3);
    assertThat(fenced.lsn()).isEqualTo(42);
    assertThat(fenced.owned()).containsExactly(r);
    assertThat(purged.rows()).isEqualTo(7);
    assertThat(seen)
        .containsExactly(
            "POST /ranges/fence {\"moveId\":\"m1/fence/1\",\"range\":{\"low\":2048,\"size\":2048}}",
            "POST /ranges/adopt {\"moveId\":\"m1/adopt\",\"range\":{\"low\":2048,\"size\":2048}}",
            "POST /ranges/purge {\"moveId\":\"m1/purge\",\"range\":{\"low\":2048,\"size\":2048}}");
  }

  @Test
  void aFenceOrAnAdoptWithoutAnAnswerFailsAtItsDeadlineNotAtTheClientsTimeout() {
    // The client's requests time out after 10 s; the resharder gives its range changes less, so a
    // frozen primary cannot hold up the reconcile pass (and the failover it would decide) for 10 s.
    rangeChangesHang = true;
    PointRange r = new PointRange(2048, 2048);
    Duration deadline = Duration.ofMillis(300);

    for (String kind : List.of("fence", "adopt")) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> {
                if (kind.equals("fence")) {
                  client.fenceRange(url, new RangeChange("m1/fence/1", r), deadline);
                } else {
                  client.adoptRange(url, new RangeChange("m1/adopt", r), deadline);
                }
              })
          .as(kind)
          .isInstanceOfSatisfying(
              ShardServerException.class, e -> assertThat(e.status()).as("no answer").isZero());
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("%s gave up after", kind)
          .isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void anImportIsStartedInspectedAndStoppedByMoveIdAndNoImportReadsAsNone() {
    client.startImport(
        url, new ImportRequest("m1", "sh1", List.of("http://a:8081"), new PointRange(0, 10)));
    ImportProgress progress = client.importProgress(url, "m1");
    client.stopImport(url, "m1");
    importRunning = false;

    assertThat(progress.state()).isEqualTo(ImportState.CatchingUp);
    assertThat(progress.sourceLsn()).isEqualTo(40);
    assertThat(client.importProgress(url, "m1")).isNull();
    assertThat(seen.get(0)).startsWith("POST /import {").contains("\"moveId\":\"m1\"");
    assertThat(seen.subList(1, 4))
        .containsExactly(
            "GET /import?moveId=m1 ", "DELETE /import?moveId=m1 ", "GET /import?moveId=m1 ");
  }
}
