package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The assignment's clients read one key as a range, {@code {"Stud_id":{"low":k,"high":k}}}. Such a
 * read is a point read all the way down (issue 27, lever 2): one call to the key's shard, and
 * concurrent ones coalesced into one {@code /read/batch} like any point read (docs/router.md,
 * "Coalescing"). Its reply, and a write's, is one document with a {@code Content-Length}, never a
 * chunked stream.
 */
class OneKeyReadPathTest {
  FakeShardServer shard;
  TestRouter router;
  Http http;

  @BeforeEach
  void start() throws Exception {
    shard = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 100)));
    for (long id = 1; id <= 8; id++) {
      shard.rows.put(id, Map.of("Stud_id", id, "Stud_name", "s" + id));
    }
    router = TestRouter.start(null, Map.of("shardeddb.router.retry.timeout", "2s"));
    http = router.http();
    Http.Reply pushed =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[{"id":"sh1","low":0,"size":100,"epoch":1,"primary":"a",
               "replicas":[{"name":"a","url":"%s","role":"Primary"}]}],
             "servers":{"Server0":["sh1"]}}
            """
                .formatted(shard.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    router.close();
    shard.close();
  }

  static String oneKey(long k) {
    return "{\"Stud_id\":{\"low\":" + k + ",\"high\":" + k + "}}";
  }

  @Test
  void aOneKeyRangeReadIsOneCallToItsShard() {
    Http.Reply r = http.send("POST", "/read", oneKey(3));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("data")).hasSize(1);
    assertThat(r.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("s3");
    assertThat(r.json().get("shards_queried").get(0).asText()).isEqualTo("sh1");
    assertThat(shard.seen).hasSize(1);
    assertThat(shard.seen.get(0).path()).isEqualTo("/read");
  }

  @Test
  void concurrentOneKeyRangeReadsShareOneBatchLikePointReads() throws Exception {
    shard.answerBatches();
    CountDownLatch release = new CountDownLatch(1);
    shard.holdFirstRead(release);
    List<CompletableFuture<Http.Reply>> replies = new ArrayList<>();
    replies.add(CompletableFuture.supplyAsync(() -> http.send("POST", "/read", oneKey(1))));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> shard.readsReceived() == 1);
    for (long k = 2; k <= 6; k++) {
      long key = k;
      replies.add(CompletableFuture.supplyAsync(() -> http.send("POST", "/read", oneKey(key))));
    }
    // The five wait in the router's read coalescer behind the held read (nothing else reaches
    // the shard meanwhile); give their requests time to arrive there.
    Thread.sleep(3000);
    assertThat(shard.readsReceived()).isEqualTo(1);
    release.countDown();

    for (int i = 0; i < replies.size(); i++) {
      Http.Reply r = replies.get(i).get(60, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().get("data").get(0).get("Stud_id").asLong()).isEqualTo(i + 1);
    }
    List<FakeShardServer.Seen> batches =
        shard.seen.stream().filter(s -> s.path().equals("/read/batch")).toList();
    assertThat(batches).as("%s", shard.seen).isNotEmpty();
    assertThat(batches.get(0).keys()).hasSizeGreaterThan(1);
    assertThat(
            batches.stream().mapToInt(b -> b.keys().size()).sum()
                + shard.seen.stream().filter(s -> s.path().equals("/read")).count())
        .isEqualTo(6);
  }

  @Test
  void readAndWriteRepliesCarryAContentLength() throws Exception {
    HttpResponse<String> read = raw("/read", oneKey(2));
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertWhole(read);

    HttpResponse<String> empty = raw("/read", oneKey(50));
    assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
    assertWhole(empty);

    HttpResponse<String> write =
        raw("/write", "{\"data\":[{\"Stud_id\":40,\"Stud_name\":\"forty\"}]}");
    assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
    assertWhole(write);

    HttpResponse<String> bad = raw("/read", "{\"Stud_id\":{\"low\":9,\"high\":1}}");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertWhole(bad);
  }

  /** The reply went out as one document: a Content-Length matching its body, no chunking. */
  static void assertWhole(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-length"))
        .as("Content-Length of %s", r.body())
        .hasValue(
            String.valueOf(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertThat(r.headers().firstValue("transfer-encoding")).isEmpty();
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
  }

  HttpResponse<String> raw(String path, String body) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return client.send(
        HttpRequest.newBuilder(URI.create(router.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
