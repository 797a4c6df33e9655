package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read whose result is streamed (more than one page) and whose shard fails after the first page
 * went out: the status {@code 200} and the first rows are already on the wire, so the router cannot
 * answer 503 any more, but the client must never be able to take what it got for a complete
 * successful answer. Before the first byte the same failure is a 503 ({@code
 * ContractErrorsTest.aReadOfAShardThatCannotBeReachedIsA503NotA500}).
 */
class StreamedReadFailureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  FakeShardServer shard;
  TestRouter router;

  @BeforeEach
  void start() throws Exception {
    // Two rows a page: a read of keys 1..6 takes three pages, so its reply is streamed.
    shard = new FakeShardServer("Stud_id", Sharding.Range, 2, List.of(new PointRange(0, 100)));
    for (long id = 1; id <= 6; id++) {
      shard.rows.put(id, Map.of("Stud_id", id, "Stud_name", "s" + id));
    }
    router = TestRouter.start(null, Map.of("shardeddb.router.retry.timeout", "1s"));
    Http.Reply pushed =
        router
            .http()
            .send(
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

  /** What a client received: the status, every byte that arrived, and how the body ended. */
  record Received(int status, byte[] body, IOException cutShort) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** True when the body arrived whole and parses as the contract's successful read answer. */
    boolean looksLikeACompleteSuccess() {
      if (cutShort != null) {
        return false;
      }
      try {
        JsonNode json = JSON.readTree(body);
        return json != null
            && json.isObject()
            && json.path("status").asText().equals("success")
            && json.path("data").isArray();
      } catch (IOException notJson) {
        return false;
      }
    }
  }

  Received read(String body) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<InputStream> r =
        client.send(
            HttpRequest.newBuilder(URI.create(router.url() + "/read"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    IOException cutShort = null;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) != -1; ) {
        got.write(buf, 0, n);
      }
    } catch (IOException e) {
      cutShort = e;
    }
    return new Received(r.statusCode(), got.toByteArray(), cutShort);
  }

  @Test
  void aStreamedReadWhoseShardFailsOnItsSecondPageNeverLooksLikeACompleteSuccess()
      throws Exception {
    shard.failReadsFrom(2);

    Received r = read("{\"Stud_id\":{\"low\":1,\"high\":6}}");

    // Streaming began: the status and the first page went out before the shard failed.
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).startsWith("{\"shards_queried\":[\"sh1\"],\"data\":[").contains("\"s1\"");
    assertThat(r.text()).doesNotContain("\"s3\"");
    // The shard was asked again (retries) and kept failing: the rest never came.
    assertThat(shard.readsReceived()).isGreaterThanOrEqualTo(2);
    assertThat(r.looksLikeACompleteSuccess())
        .as("body: %s (cut short: %s)", r.text(), r.cutShort())
        .isFalse();
  }

  @Test
  void theSameReadWithoutTheFailureIsACompleteSuccess() throws Exception {
    Received r = read("{\"Stud_id\":{\"low\":1,\"high\":6}}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.cutShort()).isNull();
    assertThat(r.looksLikeACompleteSuccess()).as(r.text()).isTrue();
    assertThat(JSON.readTree(r.body()).get("data")).hasSize(6);
  }
}
