package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.shard.ShardServerClientCoalescingTest.Primary;
import io.shardeddb.router.shard.ShardServerClientCoalescingTest.Seen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole router over one stand-in primary: client writes that collided went in one batch, and an
 * item the primary answered 503 (quorum not reached) is retried by the router's failover retry with
 * the same request id it had inside the batch, so the shard-server can deduplicate it. Over HTTP
 * and over the data stream ({@code shardeddb.router.shard-transport=stream}, one batch in flight as
 * over HTTP so the collision happens the same way; every data call then on the stream).
 */
class CoalescedWriteRetryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @ParameterizedTest
  @ValueSource(strings = {"http", "stream"})
  void aBatchedWriteThatLostItsQuorumIsRetriedWithItsOwnRequestId(String transport)
      throws Exception {
    boolean stream = transport.equals("stream");
    try (Primary primary = new Primary();
        TestRouter router =
            TestRouter.start(
                null,
                Map.of(
                    "shardeddb.router.shard-transport",
                    transport,
                    "shardeddb.router.shard-stream.max-in-flight",
                    "1"))) {
      if (stream) {
        primary.stream();
      }
      Http http = router.http();
      Http.Reply pushed =
          http.send(
              "PUT",
              "/admin/topology",
              """
              {"database":"students","version":1,
               "schema":{"table":"students","shardKey":"Stud_id","columns":[
                 {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
               "shards":[{"id":"sh1","low":0,"size":4096,"epoch":1,"primary":"p",
                 "replicas":[{"name":"p","url":"%s","role":"Primary"}]}],
               "servers":{}}
              """
                  .formatted(primary.url()));
      assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
      ShardServerClient client =
          router.server().getApplicationContext().getBean(ShardServerClient.class);
      if (stream) {
        client.warmStream(primary.url());
        Awaitility.await().atMost(WAIT).until(() -> client.streamConnected(primary.url()));
      }

      primary.quorumLostOnceInBatch.add(2L);
      CountDownLatch hold = new CountDownLatch(1);
      primary.holdFirst = hold;
      List<CompletableFuture<Http.Reply>> writes = new ArrayList<>();
      writes.add(write(http, 1));
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> primary.count("/write") == 1 || writes.get(0).isDone());
      assertThat(writes.get(0)).as("held at the primary").isNotDone();
      writes.add(write(http, 2));
      writes.add(write(http, 3));
      Awaitility.await().atMost(WAIT).until(() -> client.waitingWrites(primary.url()) == 2);
      hold.countDown();

      for (CompletableFuture<Http.Reply> w : writes) {
        Http.Reply r = w.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.message()).isEqualTo("1 Data entries added");
      }
      assertThat(primary.rows.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);
      // Every request that carried key 2, in order: the batch (answered 503), then the retry.
      List<String> idsOfKey2 = new ArrayList<>();
      List<String> pathsOfKey2 = new ArrayList<>();
      for (Seen s : primary.seen) {
        List<JsonNode> items = new ArrayList<>();
        if (s.path().equals("/write")) {
          items.add(s.body());
        } else if (s.path().equals("/write/batch")) {
          s.body().get("writes").forEach(items::add);
        }
        for (JsonNode w : items) {
          if (w.get("data").get(0).get("Stud_id").asLong() == 2) {
            idsOfKey2.add(w.get("requestId").asText());
            pathsOfKey2.add(s.path());
          }
        }
      }
      assertThat(pathsOfKey2).hasSize(2).first().isEqualTo("/write/batch");
      assertThat(idsOfKey2.get(1)).isEqualTo(idsOfKey2.get(0)).isNotBlank();
      Seen batch =
          primary.seen.stream().filter(s -> s.path().equals("/write/batch")).findFirst().get();
      assertThat(batch.body().get("writes")).hasSize(2);
      assertThat(primary.httpCalls.get())
          .as("data calls over HTTP")
          .isEqualTo(stream ? 0 : primary.seen.size());
    }
  }

  static CompletableFuture<Http.Reply> write(Http http, long key) {
    return CompletableFuture.supplyAsync(
        () ->
            http.send(
                "POST",
                "/write",
                "{\"data\":[{\"Stud_id\":%d,\"Stud_name\":\"n%d\"}]}".formatted(key, key)));
  }
}
