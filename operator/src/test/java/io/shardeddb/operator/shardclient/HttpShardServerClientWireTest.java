package io.shardeddb.operator.shardclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.WritePause;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the operator's shard-server client puts on the wire — pinned from the client before it moved
 * onto protocol's {@code ServerCalls}, so the move changed nothing a shard-server sees — and how a
 * failure reaches the reconciler.
 */
class HttpShardServerClientWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WireRecorder pod;
  private final HttpShardServerClient client =
      new HttpShardServerClient(Duration.ofSeconds(5), Duration.ofSeconds(5));

  HttpShardServerClientWireTest() throws Exception {
    pod = new WireRecorder();
  }

  @AfterEach
  void stop() {
    pod.close();
  }

  private static void quietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      // The recorder answers {} to everything; only the request matters here.
    }
  }

  private static <T> T from(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyCallSendsWhatItAlwaysSent() {
    String url = pod.url();
    client.useCredential("ns/db", List.of(url), "tok");
    RangeChange change = from("{\"moveId\":\"m1\"}", RangeChange.class);
    quietly(() -> client.heartbeat(url));
    quietly(() -> client.heartbeat(url, 42, Duration.ofMillis(1500)));
    quietly(() -> client.configure(url, from("{}", ShardConfigRequest.class)));
    quietly(() -> client.fence(url, from("{\"epoch\":3}", FenceRequest.class)));
    quietly(() -> client.assignRole(url, from("{\"epoch\":3}", RoleRequest.class)));
    quietly(() -> client.resync(url));
    quietly(() -> client.checksum(url));
    quietly(() -> client.fenceRange(url, change, Duration.ofSeconds(3)));
    quietly(() -> client.adoptRange(url, change, Duration.ofSeconds(3)));
    quietly(() -> client.purgeRange(url, change));
    quietly(() -> client.startImport(url, from("{\"moveId\":\"m1\"}", ImportRequest.class)));
    quietly(() -> client.importProgress(url, "m 1"));
    quietly(() -> client.stopImport(url, "m 1"));
    quietly(() -> client.postJson(url, "/backup/pause", Map.of("id", "b1")));
    quietly(() -> client.getJson(url, "/backup/status"));
    quietly(
        () ->
            client.pauseWrites(url, new WritePause.Request("p1", 5000, 3L), Duration.ofSeconds(5)));
    quietly(() -> client.resumeWrites(url, "p1", Duration.ofSeconds(2)));

    pod.requests.forEach(System.out::println);
    assertThat(pod.requests)
        .containsExactly(
            "GET /heartbeat {accept=application/json, authorization=Bearer tok}",
            "GET /heartbeat?appliedLsn=42&waitMillis=1500 {accept=application/json, authorization=Bearer tok}",
            "POST /config {accept=application/json, authorization=Bearer tok, content-length=2, content-type=application/json} {}",
            "POST /fence {accept=application/json, authorization=Bearer tok, content-length=11, content-type=application/json} {\"epoch\":3}",
            "POST /role {accept=application/json, authorization=Bearer tok, content-length=97, content-type=application/json} {\"epoch\":3,\"learners\":[],\"peers\":null,\"primary\":null,\"replicas\":0,\"role\":null,\"writeQuorum\":null}",
            "POST /resync {accept=application/json, authorization=Bearer tok, content-length=2, content-type=application/json} {}",
            "GET /checksum {accept=application/json, authorization=Bearer tok}",
            "POST /ranges/fence {accept=application/json, authorization=Bearer tok, content-length=28, content-type=application/json} {\"moveId\":\"m1\",\"range\":null}",
            "POST /ranges/adopt {accept=application/json, authorization=Bearer tok, content-length=28, content-type=application/json} {\"moveId\":\"m1\",\"range\":null}",
            "POST /ranges/purge {accept=application/json, authorization=Bearer tok, content-length=28, content-type=application/json} {\"moveId\":\"m1\",\"range\":null}",
            "POST /import {accept=application/json, authorization=Bearer tok, content-length=80, content-type=application/json} {\"moveId\":\"m1\",\"range\":null,\"sourceShard\":null,\"sourceUrls\":null,\"sources\":null}",
            "GET /import?moveId=m+1 {accept=application/json, authorization=Bearer tok}",
            "DELETE /import?moveId=m+1 {accept=application/json, authorization=Bearer tok}",
            "POST /backup/pause {accept=application/json, authorization=Bearer tok, content-length=11, content-type=application/json} {\"id\":\"b1\"}",
            "GET /backup/status {accept=application/json, authorization=Bearer tok}",
            "POST /backup/pause {accept=application/json, authorization=Bearer tok, content-length=35, content-type=application/json} {\"epoch\":3,\"id\":\"p1\",\"millis\":5000}",
            "POST /backup/resume {accept=application/json, authorization=Bearer tok, content-length=35, content-type=application/json} {\"epoch\":null,\"id\":\"p1\",\"millis\":0}");
  }

  @Test
  void aRefusalNamesTheCallAndCarriesTheStatusAndTheServersMessage() {
    pod.status = 409;
    pod.reply = "{\"message\":\"epoch 3 is older than 4\",\"status\":\"failure\"}";
    String url = pod.url();

    assertThatThrownBy(() -> client.fence(url, from("{\"epoch\":3}", FenceRequest.class)))
        .isInstanceOfSatisfying(
            ShardServerException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.staleEpoch()).isTrue();
              assertThat(e.getMessage())
                  .isEqualTo("POST " + url + "/fence answered 409: " + pod.reply);
              assertThat(e.reason()).isEqualTo("epoch 3 is older than 4");
            });
  }

  @Test
  void noAnswerIsAFailureWithoutAStatus() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;

    assertThatThrownBy(() -> client.heartbeat(url))
        .isInstanceOfSatisfying(
            ShardServerException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.getMessage()).isEqualTo("GET " + url + "/heartbeat failed");
            });
  }
}
