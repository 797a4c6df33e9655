package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every coalescing test of {@link ShardServerClientCoalescingTest} again with {@code
 * shardeddb.router.shard-transport=stream} against a stand-in that serves the data stream: the same
 * batches, per-caller outcomes, 409/503 handling, timeouts and one-by-one fallback, with every data
 * call carried by the stream (none over HTTP). {@code shard-stream.max-in-flight} is 1 here, so the
 * collisions those tests build happen as they do over HTTP. Then what is the stream's own: the
 * credential in the hello, many calls in flight, and HTTP when a server refuses the stream or does
 * not offer it.
 */
class ShardServerClientCoalescingOverStreamTest extends ShardServerClientCoalescingTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private boolean expectStream = true;

  @Override
  @BeforeEach
  void start() throws Exception {
    primary = new Primary();
    primary.stream();
    startClient(Map.of());
  }

  @Override
  void startClient(Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put("shardeddb.router.shard-transport", "stream");
    props.put("shardeddb.router.shard-stream.max-in-flight", "1");
    props.put("shardeddb.router.shard-auth.token", "data-token");
    props.putAll(extra);
    super.startClient(props);
    if (primary.dataStream != null && primary.dataStream.refuseHello == 0) {
      client.warmStream(primary.url());
      Awaitility.await().atMost(PATIENCE).until(() -> client.streamConnected(primary.url()));
    }
  }

  @AfterEach
  void everyDataCallWentOverTheStream() {
    if (expectStream) {
      assertThat(primary.httpCalls.get()).as("data calls over HTTP").isZero();
      assertThat(primary.dataStream.hellos).allMatch("Bearer data-token"::equals);
    }
  }

  @Test
  void manyCallsAreInFlightOnOneConnection() throws Exception {
    startClient(Map.of("shardeddb.router.shard-stream.max-in-flight", "8"));
    primary.serviceMillis = 50;
    List<CompletableFuture<io.shardeddb.protocol.shard.ShardWriteResponse>> calls =
        new java.util.ArrayList<>();
    for (long k = 0; k < 64; k++) {
      calls.add(write(k));
    }
    for (int k = 0; k < 64; k++) {
      assertThat(calls.get(k).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(k);
    }
    assertThat(primary.rows).hasSize(64);
    // Batches went out while others were in flight: more than one request, each on the stream.
    assertThat(primary.seen.size()).isBetween(2, 64);
    assertThat(primary.dataStream.welcomed.get()).isEqualTo(2);
  }

  @Test
  void theOraclesTimestampsComeOverTheStream() {
    primary.oracle = Primary.Oracle.EVERYWHERE;
    io.shardeddb.protocol.time.TimestampResponse slots =
        client.timestamps(primary.url(), 3).block(PATIENCE);
    assertThat(slots.first()).isEqualTo(1000);
    assertThat(slots.count()).isEqualTo(3);
    assertThat(primary.count("/timestamps")).isEqualTo(1);
    // (no data call over HTTP: checked after each test)
  }

  @Test
  void theHotCallsGoTypedAndTheOthersAsJson() throws Exception {
    primary.oracle = Primary.Oracle.EVERYWHERE;
    for (CompletableFuture<io.shardeddb.protocol.shard.ShardWriteResponse> c : collidingWrites(4)) {
      assertThat(c).succeedsWithin(PATIENCE);
    }
    assertThat(write(9).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(9);
    assertThat(read(1, 1).get(60, TimeUnit.SECONDS).data()).hasSize(1);
    assertThat(read(0, 3).get(60, TimeUnit.SECONDS).data()).hasSize(1);
    assertThat(client.timestamps(primary.url(), 2).block(PATIENCE).count()).isEqualTo(2);
    int typed = primary.dataStream.typedCalls.get();
    // /write then /write/batch, /write, two /read, /timestamps
    assertThat(typed).isEqualTo(6);
    assertThat(primary.dataStream.jsonCalls.get()).isZero();
    // The stand-in has no /update and /del (404): they go on the stream as JSON all the same.
    client
        .update(primary.url(), "sh1", OWNED, "Stud_id", 1, Map.of("Stud_name", "p"), "u", 0)
        .onErrorResume(e -> reactor.core.publisher.Mono.empty())
        .block(PATIENCE);
    client
        .delete(primary.url(), "sh1", OWNED, "Stud_id", 1, "d", 0)
        .onErrorResume(e -> reactor.core.publisher.Mono.empty())
        .block(PATIENCE);
    assertThat(primary.dataStream.jsonCalls.get()).isEqualTo(2);
    assertThat(primary.dataStream.typedCalls.get()).isEqualTo(typed);
  }

  @Test
  void aServerFromBeforeTypedBodiesGetsEveryCallAsJson() throws Exception {
    primary.dataStream.grantTyped = false;
    startClient(Map.of());
    for (long k = 1; k <= 3; k++) {
      assertThat(write(k).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(k);
    }
    assertThat(read(1, 3).get(60, TimeUnit.SECONDS).data()).hasSize(1);
    assertThat(primary.dataStream.jsonCalls.get()).isEqualTo(4);
    assertThat(primary.dataStream.typedCalls.get()).isZero();
  }

  @Test
  void anOpTheServerDoesNotKnowOnTheStreamGoesOverHttp() {
    expectStream = false;
    primary.oracle = Primary.Oracle.HTTP_ONLY;
    io.shardeddb.protocol.time.TimestampResponse slots =
        client.timestamps(primary.url(), 2).block(PATIENCE);
    assertThat(slots.first()).as("the HTTP endpoint's slots").isEqualTo(2000);
    assertThat(slots.count()).isEqualTo(2);
    // Refused on the stream once (the stand-in's data calls), then answered over HTTP.
    assertThat(primary.count("/timestamps")).isEqualTo(1);
  }

  @Test
  void aServerThatRefusesTheStreamHelloIsCalledOverHttp() throws Exception {
    expectStream = false;
    primary.dataStream.refuseHello = 403;
    client.close();
    startClient(Map.of());
    client.warmStream(primary.url());
    Awaitility.await().atMost(PATIENCE).until(() -> primary.dataStream.hellos.size() >= 1);
    Thread.sleep(200);
    assertThat(write(1).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(1);
    assertThat(write(2).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(2);
    assertThat(primary.httpCalls.get()).isEqualTo(2);
    assertThat(client.streamConnected(primary.url())).isFalse();
  }

  @Test
  void aServerWithoutTheOfferIsCalledOverHttp() throws Exception {
    expectStream = false;
    primary.dataStream.close();
    primary.dataStream = null;
    startClient(Map.of());
    for (long k = 1; k <= 3; k++) {
      assertThat(write(k).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(k);
    }
    assertThat(primary.httpCalls.get()).isEqualTo(3);
    assertThat(client.streamedCalls()).isZero();
  }
}
