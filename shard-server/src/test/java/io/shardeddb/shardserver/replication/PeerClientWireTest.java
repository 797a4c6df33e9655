package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.topology.PointRange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link PeerClient} puts on the wire for each call (method, path and query, {@code Accept},
 * {@code Content-Type}, credential, body) and how it reads answers and refusals (the status, the
 * peer's message and its epoch header as a {@link PeerRefusal}): pinned so a change of the client's
 * transport shows here as a diff.
 */
class PeerClientWireTest {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final String url;
  private final PeerClient client;

  private record Reply(int status, String contentType, String body, String epoch) {}

  PeerClientWireTest() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    client =
        new PeerClient(
            JsonMapper.createDefault(),
            PeerClientTest.settings(Duration.ofSeconds(5), null),
            CredentialSource.fixed("peer-secret"));
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    var h = ex.getRequestHeaders();
    seen.add(
        ex.getRequestMethod()
            + " "
            + ex.getRequestURI()
            + " accept="
            + h.getFirst("Accept")
            + " type="
            + h.getFirst("Content-Type")
            + " auth="
            + h.getFirst("Authorization")
            + " body="
            + new String(body, StandardCharsets.UTF_8));
    Reply reply = replies.get(ex.getRequestURI().getPath());
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", reply.contentType());
    if (reply.epoch() != null) {
      ex.getResponseHeaders().add(PeerClient.EPOCH_HEADER, reply.epoch());
    }
    ex.sendResponseHeaders(reply.status(), out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  private void reply(String path, int status, String body) {
    replies.put(path, new Reply(status, "application/json", body, null));
  }

  @Test
  void replicatePostsTheRequestAsJsonAndReadsTheAppliedPosition() {
    reply("/replicate", 200, "{\"appliedLsn\":7,\"epoch\":3,\"inSync\":true,\"matchLsn\":7}");

    ReplicateResponse r =
        client
            .replicate(
                new Peer("pod-1", url), new ReplicateRequest(3, "pod-0", 6, 3, List.of(), "pod-1"))
            .join();

    assertThat(r).isEqualTo(new ReplicateResponse(7, 3, true, 7));
    assertThat(seen)
        .containsExactly(
            "POST /replicate accept=application/json type=application/json auth=Bearer peer-secret"
                + " body={\"epoch\":3,\"primary\":\"pod-0\",\"prevLsn\":6,\"prevEpoch\":3,"
                + "\"replica\":\"pod-1\"}");
  }

  @Test
  void aRefusalCarriesTheStatusThePeersMessageAndItsEpoch() {
    replies.put(
        "/replicate",
        new Reply(409, "application/json", "{\"message\":\"stale epoch 3 < 5\"}", "5"));

    assertThatThrownBy(
            () ->
                client
                    .replicate(
                        new Peer("pod-1", url), new ReplicateRequest(3, "pod-0", 6, 3, List.of()))
                    .join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            PeerRefusal.class,
            p -> {
              assertThat(p.status()).isEqualTo(409);
              assertThat(p.epoch()).isEqualTo(5);
              assertThat(p.getMessage()).isEqualTo("stale epoch 3 < 5");
            });
  }

  @Test
  void aRefusalWithoutJsonOrEpochSaysTheStatus() {
    replies.put("/log", new Reply(503, "text/plain", "busy", null));

    assertThatThrownBy(() -> client.log(url, 1, 0, "me", 10))
        .isInstanceOfSatisfying(
            PeerRefusal.class,
            p -> {
              assertThat(p.status()).isEqualTo(503);
              assertThat(p.epoch()).isEqualTo(-1);
              assertThat(p.getMessage()).isEqualTo("HTTP 503");
            });
  }

  @Test
  void theLogIsAGetWhoseQueryNamesThePositionTheReplicaAndThePrimary() throws Exception {
    reply("/log", 200, "{\"entries\":[],\"lastLsn\":9}");

    assertThat(client.log(url, 4, 2, "pod 1", 50, "pod-0", 3))
        .isEqualTo(new LogResponse(List.of(), 9));
    client.log(url, 4, 2, "pod-1", 50);
    client.rangeLog(url, "pod-0", 3, 4, new PointRange(100, 50), 20);
    client.rangeLog(url, null, 0, 4, new PointRange(100, 50), 20);

    assertThat(seen)
        .containsExactly(
            "GET /log?fromLsn=4&prevEpoch=2&limit=50&replica=pod+1&primary=pod-0&epoch=3"
                + " accept=application/json type=null auth=Bearer peer-secret body=",
            "GET /log?fromLsn=4&prevEpoch=2&limit=50&replica=pod-1"
                + " accept=application/json type=null auth=Bearer peer-secret body=",
            "GET /log?fromLsn=4&limit=20&low=100&size=50&primary=pod-0&epoch=3"
                + " accept=application/json type=null auth=Bearer peer-secret body=",
            "GET /log?fromLsn=4&limit=20&low=100&size=50"
                + " accept=application/json type=null auth=Bearer peer-secret body=");
  }

  @Test
  void theHeartbeatAndTheStreamOfferAreGets() throws Exception {
    reply(
        "/heartbeat",
        "{\"name\":\"pod-1\",\"shard\":\"sh1\",\"role\":\"Secondary\",\"epoch\":3,"
            + "\"appliedLsn\":5,\"lastEntryEpoch\":3,\"primary\":\"pod-0\",\"lagLsn\":0,"
            + "\"state\":\"Ready\"}");
    reply("/replicate/stream", 200, "{\"port\":9099}");

    Heartbeat h = client.heartbeat(url);
    int port = client.streamPort(url).join();

    assertThat(h.name()).isEqualTo("pod-1");
    assertThat(h.appliedLsn()).isEqualTo(5);
    assertThat(port).isEqualTo(9099);
    assertThat(seen)
        .containsExactly(
            "GET /heartbeat accept=application/json type=null auth=Bearer peer-secret body=",
            "GET /replicate/stream accept=application/json type=null auth=Bearer peer-secret body=");
  }

  private void reply(String path, String body) {
    reply(path, 200, body);
  }

  @Test
  void aServerWithoutTheStreamOffersNoPort() {
    reply("/replicate/stream", 404, "{\"message\":\"not found\"}");

    assertThat(client.streamPort(url).join()).isEqualTo(-1);
  }

  @Test
  void theSnapshotIsReadLineByLineAsHeaderRowsAndOutcomes() throws Exception {
    replies.put(
        "/snapshot",
        new Reply(
            200,
            "application/x-ndjson",
            "{\"lsn\":9,\"epoch\":3,\"rows\":1,\"config\":null,\"requestIds\":1}\n"
                + "{\"id\":1,\"v\":\"a\"}\n\n"
                + "{\"requestId\":\"r1\",\"lsn\":8,\"status\":200,\"message\":null}\n",
            null));

    try (SnapshotStream s = client.snapshot(url, "pod 0", 3)) {
      assertThat(s.header().lsn()).isEqualTo(9);
      assertThat(s.nextRow()).containsEntry("v", "a");
      assertThat(s.nextOutcome().requestId()).isEqualTo("r1");
      assertThat(s.nextOutcome()).isNull();
    }
    client.rangeSnapshot(url, "pod-0", 3, new PointRange(100, 50)).close();

    assertThat(seen)
        .containsExactly(
            // Row timestamps (issue 51): a re-copy and a move's import ask for each row's.
            "GET /snapshot?primary=pod+0&epoch=3&timestamps=true accept=application/x-ndjson"
                + " type=null auth=Bearer peer-secret body=",
            "GET /snapshot?low=100&size=50&primary=pod-0&epoch=3&timestamps=true"
                + " accept=application/x-ndjson type=null auth=Bearer peer-secret body=");
  }

  @Test
  void aRefusedSnapshotIsAPeerRefusalWithTheEpoch() {
    replies.put(
        "/snapshot", new Reply(421, "application/json", "{\"message\":\"not the primary\"}", "4"));

    assertThatThrownBy(() -> client.snapshot(url, "pod-0", 3))
        .isInstanceOfSatisfying(
            PeerRefusal.class,
            p -> {
              assertThat(p.status()).isEqualTo(421);
              assertThat(p.epoch()).isEqualTo(4);
              assertThat(p.getMessage()).isEqualTo("not the primary");
            });
  }
}
