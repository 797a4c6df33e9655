package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router whose layout is older than the shards' ownership (a split of sh1 {@code [0, 100)} into
 * sh1 {@code [0, 50)} and a new sh3 {@code [50, 100)} was cut over, the router has not seen it
 * yet): the shard answers 421, the router waits for the newer layout and routes the request again,
 * keeping its request id; with no newer layout it gives up after {@code moved-retry-timeout} with a
 * 503 naming the range.
 */
class MovedRangeTest {
  FakeShardServer a;
  FakeShardServer b;
  FakeShardServer c;
  TestRouter router;
  Http http;

  @BeforeEach
  void start() throws Exception {
    a = new FakeShardServer("Stud_id", Sharding.Range, 2, List.of(new PointRange(0, 100)));
    b = new FakeShardServer("Stud_id", Sharding.Range, 2, List.of(new PointRange(100, 100)));
    // The split's destination: owns nothing until the cut-over.
    c = new FakeShardServer("Stud_id", Sharding.Range, 2, List.of());
    router = TestRouter.start(null, Map.of("shardeddb.router.moved-retry-timeout", "5s"));
    http = router.http();
    push(1, "{\"id\":\"sh1\",\"low\":0,\"size\":100,%s}".formatted(on("a", a)));
  }

  @AfterEach
  void stop() {
    router.close();
    a.close();
    b.close();
    c.close();
  }

  static String on(String name, FakeShardServer s) {
    return "\"epoch\":1,\"primary\":\"%s\",\"replicas\":[{\"name\":\"%s\",\"url\":\"%s\",\"role\":\"Primary\"}]"
        .formatted(name, name, s.url());
  }

  /** Installs layout {@code version}: sh2 on b, plus {@code shards} (JSON objects). */
  void push(long version, String... shards) {
    List<String> all = new ArrayList<>(List.of(shards));
    all.add("{\"id\":\"sh2\",\"low\":100,\"size\":100,%s}".formatted(on("b", b)));
    Http.Reply r =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":%d,
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[%s],"servers":{}}
            """
                .formatted(version, String.join(",", all)));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  /** The split is cut over on the shards: a fenced [50, 100), c adopted it. */
  void cutOverOnTheShards() {
    a.own(List.of(new PointRange(0, 50)));
    c.own(List.of(new PointRange(50, 50)));
  }

  /** The router learns the split: layout 2. */
  void publishTheSplit() {
    push(
        2,
        "{\"id\":\"sh1\",\"low\":0,\"size\":50,%s}".formatted(on("a", a)),
        "{\"id\":\"sh3\",\"low\":50,\"size\":50,%s}".formatted(on("c", c)));
  }

  double movedRetries() {
    Matcher m =
        Pattern.compile("(?m)^shardeddb_router_moved_retries_total(?:\\{[^}]*})? ([0-9.eE+]+)$")
            .matcher(http.get("/prometheus").text());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  CompletableFuture<Http.Reply> async(String method, String path, String body) {
    return CompletableFuture.supplyAsync(() -> http.send(method, path, body));
  }

  @Test
  void aWriteRefusedWith421IsRoutedByTheNewerLayoutWithTheSameRequestId() throws Exception {
    cutOverOnTheShards();
    CompletableFuture<Http.Reply> write =
        async(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":10,\"Stud_name\":\"x\"},{\"Stud_id\":70,\"Stud_name\":\"y\"},"
                + "{\"Stud_id\":150,\"Stud_name\":\"z\"}]}");
    // The old layout sends keys 10 and 70 to a, which refuses: its ranges changed.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> a.seen.stream().anyMatch(s -> s.path().equals("/write")));
    assertThat(write).isNotDone();
    publishTheSplit();

    Http.Reply reply = write.get(60, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.message()).isEqualTo("3 Data entries added");
    assertThat(a.keys()).containsExactly(10L);
    assertThat(c.keys()).containsExactly(70L);
    assertThat(b.keys()).containsExactly(150L);
    String firstId = a.seen.get(0).requestId();
    assertThat(firstId).isNotNull();
    assertThat(c.seen).singleElement().satisfies(s -> assertThat(s.requestId()).isEqualTo(firstId));
    assertThat(c.seen.get(0).owned()).isEqualTo("50+50");
    assertThat(a.seen.get(a.seen.size() - 1).owned()).isEqualTo("0+50");
    assertThat(movedRetries()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void rowsRoutedBackToAShardThatAlreadyTookTheirRequestIdGetADerivedIdAndAreApplied()
      throws Exception {
    cutOverOnTheShards();
    // c will refuse too: the move is rolled back before c's adopt counts (a owns [0, 100) again).
    c.own(List.of());
    CompletableFuture<Http.Reply> write =
        async(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":10,\"Stud_name\":\"x\"},{\"Stud_id\":70,\"Stud_name\":\"y\"}]}");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> a.seen.stream().anyMatch(s -> s.path().equals("/write")));
    publishTheSplit();
    // By layout 2, a takes key 10 under the part's request id and c refuses key 70.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> c.seen.stream().anyMatch(s -> s.path().equals("/write")));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> a.keys().contains(10L));
    a.own(List.of(new PointRange(0, 100)));
    push(3, "{\"id\":\"sh1\",\"low\":0,\"size\":100,%s}".formatted(on("a", a)));

    Http.Reply reply = write.get(60, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.message()).isEqualTo("2 Data entries added");
    // Key 70 reached a under the id a had already applied for key 10: had it been sent with the
    // same id, a would have acknowledged it without storing it.
    assertThat(a.keys()).containsExactly(10L, 70L);
    List<FakeShardServer.Seen> writes =
        a.seen.stream().filter(s -> s.path().equals("/write")).toList();
    String id = writes.get(0).requestId();
    // Key 10, routed again to a that refused the whole part (maybe more than once, while the
    // router had no newer layout yet), keeps the part's id.
    assertThat(writes)
        .filteredOn(s -> s.keys().equals(List.of(10L)))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.requestId()).isEqualTo(id));
    assertThat(writes.get(writes.size() - 1).keys()).containsExactly(70L);
    assertThat(writes.get(writes.size() - 1).requestId()).startsWith(id).isNotEqualTo(id);
    assertThat(c.seen).allSatisfy(s -> assertThat(s.requestId()).isEqualTo(id));
  }

  @Test
  void aRangeReadRefusedWith421IsPlannedAgainOverTheNewLayout() throws Exception {
    a.rows.put(10L, Map.of("Stud_id", 10, "Stud_name", "a"));
    a.rows.put(20L, Map.of("Stud_id", 20, "Stud_name", "a"));
    a.rows.put(30L, Map.of("Stud_id", 30, "Stud_name", "a"));
    // Fenced and copied, not purged yet: a still stores 60 but must never return it.
    a.rows.put(60L, Map.of("Stud_id", 60, "Stud_name", "stale"));
    c.rows.put(60L, Map.of("Stud_id", 60, "Stud_name", "c"));
    c.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "c"));
    b.rows.put(150L, Map.of("Stud_id", 150, "Stud_name", "b"));
    cutOverOnTheShards();

    CompletableFuture<Http.Reply> read =
        async("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":199}}");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> a.seen.stream().anyMatch(s -> s.path().equals("/read")));
    publishTheSplit();

    Http.Reply reply = read.get(60, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    for (JsonNode row : reply.json().get("data")) {
      rows.add(row.get("Stud_id").asLong() + ":" + row.get("Stud_name").asText());
    }
    assertThat(rows).containsExactly("10:a", "20:a", "30:a", "60:c", "70:c", "150:b");
    assertThat(reply.json().get("shards_queried"))
        .extracting(JsonNode::asText)
        .containsExactly("sh1", "sh3", "sh2");
  }

  @Test
  void aRangeMovingWhileAReadStreamsIsReadOnFromItsNewOwners() throws Exception {
    a.rows.put(10L, Map.of("Stud_id", 10, "Stud_name", "a"));
    a.rows.put(20L, Map.of("Stud_id", 20, "Stud_name", "a"));
    a.rows.put(30L, Map.of("Stud_id", 30, "Stud_name", "a"));
    a.rows.put(60L, Map.of("Stud_id", 60, "Stud_name", "a"));
    a.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "a"));
    b.rows.put(150L, Map.of("Stud_id", 150, "Stud_name", "b"));
    // a serves its first page (10, 20) by the old layout; before its second page the split is cut
    // over (c imported 60 and 70; a keeps them until the purge) and a answers 421.
    a.beforeRead(
        2,
        () -> {
          c.rows.put(60L, Map.of("Stud_id", 60, "Stud_name", "c"));
          c.rows.put(70L, Map.of("Stud_id", 70, "Stud_name", "c"));
          cutOverOnTheShards();
        });

    CompletableFuture<Http.Reply> read =
        async("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":199}}");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> a.seen.stream().filter(s -> s.path().equals("/read")).count() >= 2);
    publishTheSplit();

    Http.Reply reply = read.get(60, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    for (JsonNode row : reply.json().get("data")) {
      rows.add(row.get("Stud_id").asLong() + ":" + row.get("Stud_name").asText());
    }
    assertThat(rows).containsExactly("10:a", "20:a", "30:a", "60:c", "70:c", "150:b");
    assertThat(c.seen).isNotEmpty().allSatisfy(s -> assertThat(s.owned()).isEqualTo("50+50"));
  }

  @Test
  void withNoNewerLayoutTheRequestFailsWith503NamingTheMovingRangeAfterTheTimeout() {
    cutOverOnTheShards();

    Http.Reply update =
        http.send(
            "PUT", "/update", "{\"Stud_id\":70,\"data\":{\"Stud_id\":70,\"Stud_name\":\"q\"}}");

    assertThat(update.status()).as(update.text()).isEqualTo(503);
    assertThat(update.json().get("status").asText()).isEqualTo("failure");
    assertThat(update.message())
        .contains("Stud_id 70")
        .contains("shard sh1, which owns [0, 100)")
        .contains("moving to another shard")
        .contains("within 5 s");
    // It kept trying (a range un-fenced after a failed cut-over would have been taken again).
    assertThat(a.seen.stream().filter(s -> s.path().equals("/update")).count()).isGreaterThan(1);
    assertThat(c.seen).isEmpty();

    Http.Reply write =
        http.send("POST", "/write", "{\"data\":[{\"Stud_id\":70,\"Stud_name\":\"q\"}]}");
    assertThat(write.status()).as(write.text()).isEqualTo(503);
    assertThat(write.message()).contains("Stud_id 70").contains("moving to another shard");
    assertThat(c.keys()).isEmpty();
  }

  @Test
  void theOwnedHeaderMatchesWhatTheLayoutGivesEachShard() {
    http.send("POST", "/write", "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"x\"}]}");
    http.send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":199}}");
    assertThat(a.seen).isNotEmpty().allSatisfy(s -> assertThat(s.owned()).isEqualTo("0+100"));
    assertThat(b.seen)
        .isNotEmpty()
        .allSatisfy(
            s ->
                assertThat(s.owned())
                    .isEqualTo(ShardEndpoints.ownedHeader(List.of(new PointRange(100, 100)))));
  }
}
