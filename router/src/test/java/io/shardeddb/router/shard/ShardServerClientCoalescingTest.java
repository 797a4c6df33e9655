package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.stream.DataFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The router's shard-server client against a recording stand-in primary: concurrent writes and
 * point reads to one replica share requests, each caller still gets exactly its own outcome, and a
 * shard-server without the batch endpoints (a rolling upgrade) gets the calls one by one.
 */
class ShardServerClientCoalescingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String OWNED = "0+4096";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** One request as received. */
  record Seen(String path, String owned, JsonNode body) {}

  /** A stand-in primary: stores keys, answers 409 for a key it has, dedupes by request id. */
  static final class Primary implements AutoCloseable {
    final HttpServer server;
    final ExecutorService threads = Executors.newCachedThreadPool();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Map<Long, String> rows = new ConcurrentHashMap<>();
    final Set<String> applied = ConcurrentHashMap.newKeySet();
    volatile boolean batchEndpoints = true;

    /** Held before answering the first plain request while set. */
    volatile CountDownLatch holdFirst;

    /** A whole-request failure for the next batch: {status, message}; null: none. */
    volatile Object[] failNextBatch;

    /** Milliseconds each request takes, plus 0.1 ms per batch item (a bench's model). */
    volatile int serviceMillis;

    /** Keys whose next write inside a batch is answered 503 (quorum not reached). */
    final Set<Long> quorumLostOnceInBatch = ConcurrentHashMap.newKeySet();

    Primary() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(threads);
      server.createContext("/", this::handle);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long count(String path) {
      return seen.stream().filter(s -> s.path().equals(path)).count();
    }

    /** Data calls that came over HTTP. */
    final java.util.concurrent.atomic.AtomicInteger httpCalls =
        new java.util.concurrent.atomic.AtomicInteger();

    /** The stand-in's data stream ({@link StandInDataStream}); null until {@link #stream}. */
    volatile StandInDataStream dataStream;

    /** Also serves the data stream, offered at {@code GET /data/stream}. */
    void stream() throws Exception {
      dataStream = new StandInDataStream(threads, this::respond);
    }

    /** One answer: the status and the JSON body. */
    record Reply(int status, JsonNode body) {}

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        if (path.equals(DataFrames.OFFER_PATH)) {
          StandInDataStream stream = dataStream;
          if (stream == null) {
            reply(ex, 404, failure("Page Not Found"));
          } else {
            reply(ex, 200, JSON.createObjectNode().put("port", stream.port()));
          }
          return;
        }
        if (path.equals(ShardEndpoints.TIMESTAMPS)) {
          if (oracle == Oracle.HTTP_ONLY) {
            reply(ex, 200, slots(2000, ex));
          } else {
            // A stand-in from before global timestamps.
            reply(ex, 404, failure("Page Not Found"));
          }
          return;
        }
        httpCalls.incrementAndGet();
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        Reply r = respond(path, ex.getRequestHeaders().getFirst(ShardEndpoints.OWNED_HEADER), body);
        reply(ex, r.status(), r.body());
      }
    }

    /** How this stand-in hands out timestamps ({@code POST /timestamps}). */
    enum Oracle {
      /** Not at all: a shard-server from before global timestamps (404). */
      NONE,
      /** Over HTTP and the data stream alike (slots from 1000). */
      EVERYWHERE,
      /**
       * Over HTTP only (slots from 2000): a shard-server from before timestamps went over the data
       * stream, which refuses the op as unknown.
       */
      HTTP_ONLY
    }

    volatile Oracle oracle = Oracle.NONE;

    private static JsonNode slots(long first, HttpExchange ex) throws IOException {
      int count = JSON.readTree(ex.getRequestBody().readAllBytes()).get("count").asInt();
      return JSON.createObjectNode().put("first", first).put("count", count).put("epoch", 1);
    }

    /** What this primary answers to {@code path} (over HTTP or the data stream alike). */
    Reply respond(String path, String owned, JsonNode body) {
      seen.add(new Seen(path, owned, body));
      if (path.equals(ShardEndpoints.TIMESTAMPS)) {
        return switch (oracle) {
          case EVERYWHERE ->
              new Reply(
                  200,
                  JSON.createObjectNode()
                      .put("first", 1000)
                      .put("count", body.get("count").asInt())
                      .put("epoch", 1));
          case HTTP_ONLY ->
              new Reply(400, failure(DataFrames.UNKNOWN_CALL + DataFrames.TIMESTAMPS));
          case NONE -> new Reply(404, failure("Page Not Found"));
        };
      }
      boolean batch = path.endsWith("/batch");
      if (serviceMillis > 0) {
        int items = batch ? body.elements().next().size() : 1;
        try {
          TimeUnit.MICROSECONDS.sleep(serviceMillis * 1000L + items * 100L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (batch && !batchEndpoints) {
        // What a Micronaut server without the route answers.
        ObjectNode notFound = JSON.createObjectNode();
        notFound.put("message", "Not Found");
        notFound
            .putObject("_embedded")
            .putArray("errors")
            .addObject()
            .put("message", "Page Not Found");
        return new Reply(404, notFound);
      }
      Object[] fail = failNextBatch;
      if (batch && fail != null) {
        failNextBatch = null;
        return new Reply((Integer) fail[0], failure((String) fail[1]));
      }
      CountDownLatch hold = holdFirst;
      if (!batch && hold != null && (path.equals("/write") || path.equals("/read"))) {
        holdFirst = null;
        try {
          hold.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      switch (path) {
        case "/write" -> {
          Object[] r = write(body);
          return new Reply((Integer) r[0], (JsonNode) r[1]);
        }
        case "/read" -> {
          return new Reply(200, read(body));
        }
        case "/write/batch" -> {
          ArrayNode results = JSON.createArrayNode();
          for (JsonNode item : body.get("writes")) {
            Object[] r =
                quorumLostOnceInBatch.remove(item.get("data").get(0).get("Stud_id").asLong())
                    ? new Object[] {503, failure("write quorum not reached in 5 s")}
                    : write(item);
            ObjectNode result = results.addObject();
            result.put("status", (Integer) r[0]);
            if ((Integer) r[0] == 200) {
              result.set("response", (JsonNode) r[1]);
            } else {
              result.put("message", ((JsonNode) r[1]).get("message").asText());
            }
          }
          ObjectNode out = JSON.createObjectNode();
          out.set("results", results);
          return new Reply(200, out);
        }
        case "/read/batch" -> {
          ArrayNode results = JSON.createArrayNode();
          for (JsonNode item : body.get("reads")) {
            results.addObject().put("status", 200).set("response", read(item));
          }
          ObjectNode out = JSON.createObjectNode();
          out.set("results", results);
          return new Reply(200, out);
        }
        default -> {
          return new Reply(404, failure("no such endpoint " + path));
        }
      }
    }

    /** {status, body} of one write, as a real primary would decide it. */
    private synchronized Object[] write(JsonNode body) {
      String id = body.get("requestId").asText();
      long key = body.get("data").get(0).get("Stud_id").asLong();
      if (applied.contains(id)) {
        return new Object[] {200, written(key)};
      }
      if (rows.containsKey(key)) {
        return new Object[] {409, failure("Duplicate entry '" + key + "' for key 'PRIMARY'")};
      }
      rows.put(key, body.get("data").get(0).get("Stud_name").asText());
      applied.add(id);
      return new Object[] {200, written(key)};
    }

    private ObjectNode read(JsonNode body) {
      long key = body.get("Stud_id").get("low").asLong();
      ObjectNode out = JSON.createObjectNode();
      ArrayNode data = out.putArray("data");
      String name = rows.get(key);
      if (name != null) {
        data.addObject().put("Stud_id", key).put("Stud_name", name);
      }
      out.put("status", "success");
      out.put("lsn", key);
      out.put("epoch", 1);
      return out;
    }

    private static ObjectNode written(long key) {
      ObjectNode n = JSON.createObjectNode();
      n.put("message", "1 Data entries added");
      n.put("status", "success");
      n.put("lsn", key);
      n.put("epoch", 1);
      return n;
    }

    static ObjectNode failure(String m) {
      ObjectNode n = JSON.createObjectNode();
      n.put("message", m);
      n.put("status", "failure");
      return n;
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
      byte[] bytes = JSON.writeValueAsBytes(body);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
      server.stop(0);
      if (dataStream != null) {
        dataStream.close();
      }
      threads.shutdownNow();
    }
  }

  Primary primary;
  ApplicationContext context;
  ShardServerClient client;

  @BeforeEach
  void start() throws Exception {
    primary = new Primary();
    startClient(Map.of());
  }

  void startClient(Map<String, Object> extra) {
    if (context != null) {
      context.close();
    }
    Map<String, Object> props = new HashMap<>(Map.of("shardeddb.router.auth.enabled", "false"));
    props.putAll(extra);
    context = ApplicationContext.run(props);
    client = context.getBean(ShardServerClient.class);
  }

  @AfterEach
  void stop() {
    context.close();
    primary.close();
  }

  /**
   * A call of a table other than the first names it in its body — {@code /write}, {@code /read} (a
   * point read, coalesced), {@code /update}, {@code /del} — and the first table's calls name none
   * (issue 46); over the data stream too ({@link ShardServerClientCoalescingOverStreamTest} runs
   * this again there, its frames carrying the same JSON).
   */
  @Test
  void aCallOfAnotherTableNamesItAndOneOfTheFirstTableNamesNone() throws Exception {
    write(1).get(30, TimeUnit.SECONDS);
    client
        .write(
            primary.url(),
            OWNED,
            new ShardWriteRequest(
                "sh1",
                null,
                List.of(Map.of("Stud_id", 900L, "Stud_name", "o")),
                "req-o",
                null,
                null,
                "orders"))
        .block(WAIT);
    client
        .read(
            primary.url(),
            "sh1",
            OWNED,
            "Stud_id",
            900,
            900,
            ReadConsistency.PRIMARY,
            null,
            null,
            null,
            0,
            null,
            false,
            "orders")
        .block(WAIT);
    // The stand-in has no /update and /del (404): only what was sent matters here.
    client
        .update(
            primary.url(), "sh1", OWNED, "Stud_id", 900, Map.of("Stud_name", "p"), "u", 0, "orders")
        .onErrorResume(e -> reactor.core.publisher.Mono.empty())
        .block(WAIT);
    client
        .delete(primary.url(), "sh1", OWNED, "Stud_id", 900, "d", 0, "orders")
        .onErrorResume(e -> reactor.core.publisher.Mono.empty())
        .block(WAIT);

    List<String> tables = new ArrayList<>();
    for (Seen s : primary.seen) {
      List<JsonNode> items = new ArrayList<>();
      if (s.path().endsWith("/batch")) {
        s.body().elements().next().forEach(items::add);
      } else {
        items.add(s.body());
      }
      for (JsonNode item : items) {
        JsonNode table = item.get("table");
        long key =
            item.has("data") && item.get("data").isArray()
                ? item.get("data").get(0).get("Stud_id").asLong()
                : item.get("Stud_id").isObject()
                    ? item.get("Stud_id").get("low").asLong()
                    : item.get("Stud_id").asLong();
        tables.add(s.path() + " " + key + " " + (table == null ? "-" : table.asText()));
      }
    }
    assertThat(tables)
        .anyMatch(t -> t.matches("/write(/batch)? 1 -"))
        .anyMatch(t -> t.matches("/write(/batch)? 900 orders"))
        .anyMatch(t -> t.matches("/read(/batch)? 900 orders"))
        .contains("/update 900 orders", "/del 900 orders")
        .noneMatch(t -> t.matches(".* 1 orders") || t.matches(".* 900 -"));
  }

  static ShardWriteRequest row(long key) {
    return new ShardWriteRequest(
        "sh1", null, List.of(Map.of("Stud_id", key, "Stud_name", "n" + key)), "req-" + key);
  }

  /** A write whose outcome (response or failure) the test reads later. */
  CompletableFuture<ShardWriteResponse> write(long key) {
    return client.write(primary.url(), OWNED, row(key)).toFuture();
  }

  /**
   * Starts write {@code 0}, holds it at the primary, starts writes {@code 1..n-1} (they wait: one
   * is in flight), then lets the first one answer.
   */
  List<CompletableFuture<ShardWriteResponse>> collidingWrites(int n) {
    CountDownLatch hold = new CountDownLatch(1);
    primary.holdFirst = hold;
    List<CompletableFuture<ShardWriteResponse>> calls = new ArrayList<>();
    calls.add(write(0));
    Awaitility.await().atMost(WAIT).until(() -> primary.count("/write") == 1);
    for (long k = 1; k < n; k++) {
      calls.add(write(k));
    }
    hold.countDown();
    return calls;
  }

  static Throwable failureOf(CompletableFuture<?> call) {
    return Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                call.getNow(null);
                return null;
              } catch (Exception e) {
                return e.getCause();
              }
            },
            e -> e != null || call.isDone());
  }

  @Test
  void concurrentWritesToOnePrimaryShareOneRequestAndEachCallerGetsItsOwnReply() throws Exception {
    List<CompletableFuture<ShardWriteResponse>> calls = collidingWrites(8);

    for (int k = 0; k < 8; k++) {
      ShardWriteResponse r = calls.get(k).get(60, TimeUnit.SECONDS);
      assertThat(r.lsn()).as("write %d's own LSN", k).isEqualTo(k);
      assertThat(r.message()).isEqualTo("1 Data entries added");
    }
    assertThat(primary.seen).hasSize(2);
    Seen batch = primary.seen.get(1);
    assertThat(batch.path()).isEqualTo("/write/batch");
    assertThat(batch.owned()).isEqualTo(OWNED);
    List<String> ids = new ArrayList<>();
    batch.body().get("writes").forEach(w -> ids.add(w.get("requestId").asText()));
    assertThat(ids).containsExactly("req-1", "req-2", "req-3", "req-4", "req-5", "req-6", "req-7");
    assertThat(primary.rows).hasSize(8);
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    assertThat(meters.get("shardeddb.router.batch.items").tag("op", "write").summary().count())
        .isEqualTo(2);
    assertThat(meters.get("shardeddb.router.batch.items").tag("op", "write").summary().max())
        .isEqualTo(7);
  }

  @Test
  void aLoneWriteGoesToThePlainEndpoint() throws Exception {
    assertThat(write(1).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(1);
    assertThat(write(2).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(2);
    assertThat(primary.seen).extracting(Seen::path).containsExactly("/write", "/write");
  }

  @Test
  void aDuplicateKeyInsideABatchFailsOnlyItsOwnCaller() throws Exception {
    primary.rows.put(3L, "there before");
    List<CompletableFuture<ShardWriteResponse>> calls = collidingWrites(5);

    Throwable dup = failureOf(calls.get(3));
    assertThat(dup).isInstanceOf(ShardServerException.class);
    ShardServerException s = (ShardServerException) dup;
    assertThat(s.status()).isEqualTo(409);
    assertThat(s.getMessage()).isEqualTo("Duplicate entry '3' for key 'PRIMARY'");
    assertThat(s.retriable()).isFalse();
    assertThat(s.url()).isEqualTo(primary.url());
    for (int k : new int[] {0, 1, 2, 4}) {
      assertThat(calls.get(k).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(k);
    }
    assertThat(primary.count("/write/batch")).isEqualTo(1);
  }

  @Test
  void aWholeBatchFailureFailsEveryItemWithIt() {
    primary.failNextBatch = new Object[] {409, "not primary: sh1-1 is primary at epoch 3"};
    List<CompletableFuture<ShardWriteResponse>> calls = collidingWrites(4);

    assertThat(calls.get(0)).succeedsWithin(WAIT);
    for (int k = 1; k < 4; k++) {
      Throwable e = failureOf(calls.get(k));
      assertThat(e).isInstanceOf(ShardServerException.class);
      assertThat(((ShardServerException) e).status()).isEqualTo(409);
      assertThat(((ShardServerException) e).retriable()).as("not primary: retried").isTrue();
      assertThat(e.getMessage()).isEqualTo("not primary: sh1-1 is primary at epoch 3");
    }
  }

  @Test
  void aShardServerWithoutBatchEndpointsGetsTheItemsOneByOneAndThenNoMoreBatches()
      throws Exception {
    primary.batchEndpoints = false;
    List<CompletableFuture<ShardWriteResponse>> calls = collidingWrites(4);
    for (int k = 0; k < 4; k++) {
      assertThat(calls.get(k).get(60, TimeUnit.SECONDS).lsn()).isEqualTo(k);
    }
    assertThat(primary.seen)
        .extracting(Seen::path)
        .containsExactlyInAnyOrder("/write", "/write/batch", "/write", "/write", "/write");
    List<String> singles = new ArrayList<>();
    primary.seen.stream()
        .filter(s -> s.path().equals("/write"))
        .forEach(s -> singles.add(s.body().get("requestId").asText()));
    assertThat(singles).containsExactlyInAnyOrder("req-0", "req-1", "req-2", "req-3");

    // Remembered: the next colliding writes go one by one without trying a batch first.
    primary.seen.clear();
    CountDownLatch hold = new CountDownLatch(1);
    primary.holdFirst = hold;
    List<CompletableFuture<ShardWriteResponse>> more = new ArrayList<>();
    more.add(write(10));
    Awaitility.await().atMost(WAIT).until(() -> primary.count("/write") == 1);
    more.add(write(11));
    more.add(write(12));
    Awaitility.await().atMost(WAIT).until(() -> primary.count("/write") == 3);
    hold.countDown();
    for (CompletableFuture<ShardWriteResponse> c : more) {
      assertThat(c).succeedsWithin(WAIT);
    }
    assertThat(primary.count("/write/batch")).isZero();
  }

  @Test
  void concurrentPointReadsShareOneRequestAndRangeReadsGoAlone() throws Exception {
    for (long k = 0; k < 6; k++) {
      primary.rows.put(k, "n" + k);
    }
    CountDownLatch hold = new CountDownLatch(1);
    primary.holdFirst = hold;
    List<CompletableFuture<ShardReadResponse>> reads = new ArrayList<>();
    reads.add(read(0, 0));
    Awaitility.await().atMost(WAIT).until(() -> primary.count("/read") == 1);
    for (long k = 1; k < 6; k++) {
      reads.add(read(k, k));
    }
    // A range read is never held back for a batch.
    CompletableFuture<ShardReadResponse> range = read(0, 5);
    Awaitility.await().atMost(WAIT).until(() -> primary.count("/read") == 2);
    hold.countDown();

    for (int k = 0; k < 6; k++) {
      ShardReadResponse r = reads.get(k).get(60, TimeUnit.SECONDS);
      assertThat(r.data()).as("read %d", k).hasSize(1);
      assertThat(((Number) r.data().get(0).get("Stud_id")).longValue()).isEqualTo(k);
      assertThat(r.lsn()).isEqualTo(k);
    }
    assertThat(range).succeedsWithin(WAIT);
    assertThat(primary.count("/read/batch")).isEqualTo(1);
    Seen batch =
        primary.seen.stream().filter(s -> s.path().equals("/read/batch")).findFirst().get();
    assertThat(batch.body().get("reads")).hasSize(5);
    assertThat(batch.body().get("reads").get(0).get("consistency").asText()).isEqualTo("primary");
  }

  CompletableFuture<ShardReadResponse> read(long low, long high) {
    return client
        .read(
            primary.url(),
            "sh1",
            OWNED,
            "Stud_id",
            low,
            high,
            ReadConsistency.PRIMARY,
            null,
            null,
            null,
            0,
            null,
            false)
        .toFuture();
  }

  @Test
  void aCallWhoseCallerGaveUpBeforeItWasSentIsNeverSent() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    primary.holdFirst = hold;
    CompletableFuture<ShardWriteResponse> first = write(0);
    Awaitility.await().atMost(WAIT).until(() -> primary.count("/write") == 1);
    Disposable gaveUp = client.write(primary.url(), OWNED, row(1)).subscribe();
    CompletableFuture<ShardWriteResponse> kept = write(2);
    gaveUp.dispose();
    hold.countDown();

    assertThat(first.get(60, TimeUnit.SECONDS).lsn()).isZero();
    assertThat(kept.get(60, TimeUnit.SECONDS).lsn()).isEqualTo(2);
    assertThat(primary.rows.keySet()).containsExactlyInAnyOrder(0L, 2L);
    assertThat(primary.seen).extracting(Seen::path).containsExactly("/write", "/write");
  }

  @Test
  void withCoalescingSwitchedOffEveryCallIsItsOwnRequest() throws Exception {
    startClient(Map.of("shardeddb.router.coalesce.enabled", "false"));
    List<CompletableFuture<ShardWriteResponse>> calls = collidingWrites(4);
    for (CompletableFuture<ShardWriteResponse> c : calls) {
      assertThat(c).succeedsWithin(WAIT);
    }
    assertThat(primary.count("/write")).isEqualTo(4);
    assertThat(primary.count("/write/batch")).isZero();
  }

  @Test
  void callsWaitingBehindARequestThatTimedOutFailWithItUnsentSoAHungPrimaryCostsOneTimeout()
      throws Exception {
    startClient(Map.of("micronaut.http.client.read-timeout", "2s"));
    CountDownLatch hold = new CountDownLatch(1);
    primary.holdFirst = hold;
    try {
      List<CompletableFuture<ShardWriteResponse>> calls = new ArrayList<>();
      calls.add(write(0));
      Awaitility.await().atMost(WAIT).until(() -> primary.count("/write") == 1);
      calls.add(write(1));
      calls.add(write(2));

      for (CompletableFuture<ShardWriteResponse> c : calls) {
        Throwable e = failureOf(c);
        assertThat(e).isInstanceOf(ShardServerException.class);
        assertThat(((ShardServerException) e).status()).isEqualTo(ShardServerException.UNREACHABLE);
        assertThat(((ShardServerException) e).retriable()).isTrue();
      }
      assertThat(primary.seen).hasSize(1);
    } finally {
      hold.countDown();
    }
  }

  @Test
  void aBigWriteIsNeverHeldBackForABatch() {
    Map<String, Object> bigRow = Map.of("Stud_id", 1L, "Stud_name", "x".repeat(70_000));
    assertThat(CoalescedWrites.smallWrite(new ShardWriteRequest("sh1", null, List.of(bigRow), "r")))
        .isFalse();
    assertThat(CoalescedWrites.smallWrite(row(1))).isTrue();
  }
}
