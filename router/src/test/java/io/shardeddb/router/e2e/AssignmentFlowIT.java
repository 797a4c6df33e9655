package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.WriteResponse;
import io.shardeddb.router.Http;
import io.shardeddb.router.Http.Reply;
import io.shardeddb.router.TestRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assignment's whole flow, with its own example payloads, through a real router in front of ten
 * real shard-servers (real MariaDB): /init, /status, /write, /read (POST and GET), /update, /del,
 * /add, /rm, the documented error bodies, range reads across every shard, and session and
 * any-replica reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AssignmentFlowIT {
  static final String TOKEN = "flow-token";
  static final String INIT =
      """
      {"N":3,
       "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","String"]},
       "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096},
                 {"Stud_id_low":4096,"Shard_id":"sh2","Shard_size":4096},
                 {"Stud_id_low":8192,"Shard_id":"sh3","Shard_size":4096}],
       "servers":{"Server0":["sh1","sh2"],"Server1":["sh2","sh3"],"Server2":["sh1","sh3"]}}
      """;

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter router;
  Http http;
  RouterClient client;

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    List<String> pool = fleet.startServers("flow", 10);
    router =
        TestRouter.start(
            TOKEN,
            Map.of(
                "shardeddb.router.database",
                "students",
                "shardeddb.router.topology.source",
                "standalone",
                "shardeddb.router.standalone.shard-servers",
                pool,
                "shardeddb.router.heartbeat.interval",
                "200ms"));
    String base = router.url();
    http = new Http(base, TOKEN);
    client = new RouterClient(base, TOKEN, "Stud_id", Duration.ofSeconds(120));
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) {
      router.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  static List<Long> keys(JsonNode data) {
    return StreamSupport.stream(data.spliterator(), false)
        .map(r -> r.get("Stud_id").asLong())
        .toList();
  }

  @Test
  @Order(1)
  void initConfiguresTheDatabaseAndStatusEchoesIt() {
    Reply init = http.send("POST", "/init", INIT);
    assertThat(init.json())
        .isEqualTo(Http.json("{\"message\":\"Configured Database\",\"status\":\"success\"}"));
    assertThat(http.get("/status").json()).isEqualTo(Http.json(INIT));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(http.withToken(null).get("/health/readiness").status()).isEqualTo(200));
  }

  @Test
  @Order(2)
  void writeReadUpdateAndDeleteGiveTheAssignmentsReplies() {
    Reply write =
        http.send(
            "POST",
            "/write",
            """
            {"data":[{"Stud_id":2255,"Stud_name":"GHI","Stud_marks":27},
                     {"Stud_id":3524,"Stud_name":"JKBFSFS","Stud_marks":56},
                     {"Stud_id":1005,"Stud_name":"YUBAAD","Stud_marks":100}]}
            """);
    assertThat(write.status()).isEqualTo(200);
    assertThat(write.json().get("message").asText()).isEqualTo("3 Data entries added");
    assertThat(write.json().get("status").asText()).isEqualTo("success");

    Reply read = http.send("POST", "/read", "{\"Stud_id\":{\"low\":1000,\"high\":8889}}");
    assertThat(read.json())
        .isEqualTo(
            Http.json(
                """
                {"shards_queried":["sh1","sh2","sh3"],
                 "data":[{"Stud_id":1005,"Stud_name":"YUBAAD","Stud_marks":"100"},
                         {"Stud_id":2255,"Stud_name":"GHI","Stud_marks":"27"},
                         {"Stud_id":3524,"Stud_name":"JKBFSFS","Stud_marks":"56"}],
                 "status":"success"}
                """));
    assertThat(
            http.send("GET", "/read", "{\"Stud_id\":{\"low\":\"1000\",\"high\":\"8889\"}}").json())
        .isEqualTo(read.json());

    Reply update =
        http.send(
            "PUT",
            "/update",
            "{\"Stud_id\":\"2255\",\"data\":{\"Stud_id\":2255,\"Stud_name\":\"GHI\",\"Stud_marks\":28}}");
    assertThat(update.json().get("message").asText())
        .isEqualTo("Data entry for Stud_id: 2255 updated");
    assertThat(
            http.send("POST", "/read", "{\"Stud_id\":{\"low\":2255,\"high\":2255}}")
                .json()
                .get("data")
                .get(0)
                .get("Stud_marks")
                .asText())
        .isEqualTo("28");

    Reply del = http.send("DELETE", "/del", "{\"Stud_id\":2255}");
    assertThat(del.message()).isEqualTo("Data entry with Stud_id:2255 removed from all replicas");
    assertThat(del.json().get("status").asText()).isEqualTo("success");
    assertThat(del.json().get("session").asText()).startsWith("sh1:");
    assertThat(
            keys(
                http.send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":12287}}")
                    .json()
                    .get("data")))
        .containsExactly(1005L, 3524L);
  }

  @Test
  @Order(3)
  void missingKeysAndDuplicateRowsAreRefusedWithMessages() {
    Reply update =
        http.send(
            "PUT",
            "/update",
            "{\"Stud_id\":2255,\"data\":{\"Stud_id\":2255,\"Stud_name\":\"GHI\",\"Stud_marks\":1}}");
    assertThat(update.status()).isEqualTo(404);
    assertThat(update.message()).contains("2255");
    Reply del = http.send("DELETE", "/del", "{\"Stud_id\":2255}");
    assertThat(del.status()).isEqualTo(404);
    assertThat(del.json().get("status").asText()).isEqualTo("failure");
    Reply dup =
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":1005,\"Stud_name\":\"X\",\"Stud_marks\":1}]}");
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.message()).contains("1005").contains("already exists");

    Reply outside =
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":50,\"Stud_name\":\"ok\",\"Stud_marks\":1},"
                + "{\"Stud_id\":99999,\"Stud_name\":\"no shard\",\"Stud_marks\":2}]}");
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.message()).contains("99999");
    assertThat(client.read(50, 50).data()).as("nothing of a refused write is stored").isEmpty();
  }

  @Test
  @Order(4)
  void rangeReadsAcrossEveryShardComeBackCompleteAndInKeyOrder() {
    List<Map<String, Object>> rows =
        IntStream.range(0, 120)
            .mapToObj(
                i ->
                    Map.<String, Object>of(
                        "Stud_id", 6 + i * 100, "Stud_name", "s" + i, "Stud_marks", "m"))
            .toList();
    WriteResponse w = client.write(rows);
    assertThat(w.message()).isEqualTo("120 Data entries added");
    assertThat(w.session()).contains("sh1:").contains("sh2:").contains("sh3:");

    ReadResponse all = client.read(0, 12287);
    assertThat(all.shardsQueried()).containsExactly("sh1", "sh2", "sh3");
    List<Long> keys =
        all.data().stream().map(r -> ((Number) r.get("Stud_id")).longValue()).toList();
    assertThat(keys).isSorted().doesNotHaveDuplicates().hasSize(122);
    assertThat(keys).contains(1005L, 3524L, 6L, 11906L);

    ReadResponse middle = client.read(4000, 8200);
    assertThat(middle.shardsQueried()).containsExactly("sh1", "sh2", "sh3");
    assertThat(middle.data())
        .allSatisfy(
            r -> assertThat(((Number) r.get("Stud_id")).longValue()).isBetween(4000L, 8200L));
  }

  @Test
  @Order(5)
  void sessionAndAnyReadsSeeTheCallersWrites() {
    WriteResponse w =
        client.write(List.of(Map.of("Stud_id", 4100, "Stud_name", "Session", "Stud_marks", "1")));
    ReadResponse session = client.read(4100, 4100, ReadConsistency.SESSION, w.session());
    assertThat(session.data()).extracting(r -> r.get("Stud_name")).containsExactly("Session");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.read(4100, 4100, ReadConsistency.ANY, null).data())
                    .extracting(r -> r.get("Stud_name"))
                    .containsExactly("Session"));
  }

  @Test
  @Order(6)
  void addAndRmAnswerAsTheAssignmentDocuments() {
    Reply tooMany =
        http.send(
            "POST", "/add", "{\"n\":3,\"new_shards\":[],\"servers\":{\"Server9\":[\"sh1\"]}}");
    assertThat(tooMany.json())
        .isEqualTo(
            Http.json(
                "{\"message\":\"<Error> Number of new servers (n) is greater than newly added"
                    + " instances\",\"status\":\"failure\"}"));

    Reply add =
        http.send(
            "POST",
            "/add",
            """
            {"n":2,
             "new_shards":[{"Stud_id_low":12288,"Shard_id":"sh5","Shard_size":4096}],
             "servers":{"Server4":["sh3","sh5"],"Server[5]":["sh2","sh5"]}}
            """);
    assertThat(add.json())
        .isEqualTo(
            Http.json(
                "{\"N\":5,\"message\":\"Add Server:4 and Server:3\",\"status\":\"successful\"}"));
    assertThat(
            client
                .write(List.of(Map.of("Stud_id", 12300, "Stud_name", "New", "Stud_marks", "9")))
                .message())
        .isEqualTo("1 Data entries added");
    assertThat(client.read(0, 16383).shardsQueried()).containsExactly("sh1", "sh2", "sh3", "sh5");

    Reply rmTooMany = http.send("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server4\",\"Server0\"]}");
    assertThat(rmTooMany.json())
        .isEqualTo(
            Http.json(
                "{\"message\":\"<Error> Length of server list is more than removable"
                    + " instances\",\"status\":\"failure\"}"));

    Reply rm = http.send("DELETE", "/rm", "{\"n\":2,\"servers\":[\"Server4\"]}");
    assertThat(rm.json())
        .isEqualTo(
            Http.json(
                "{\"message\":{\"N\":3,\"servers\":[\"Server4\",\"Server2\"]},"
                    + "\"status\":\"successful\"}"));
    assertThat(http.get("/status").json().get("servers").fieldNames())
        .toIterable()
        .containsExactly("Server0", "Server1", "Server3");
  }

  @Test
  @Order(7)
  void afterRemovingPrimariesEveryRowIsStillServedAndWritable() {
    ReadResponse all = client.read(0, 16383);
    List<Long> keys =
        all.data().stream().map(r -> ((Number) r.get("Stud_id")).longValue()).toList();
    assertThat(keys).hasSize(124).isSorted().contains(12300L, 4100L);
    assertThat(
            client
                .write(List.of(Map.of("Stud_id", 8195, "Stud_name", "After", "Stud_marks", "1")))
                .message())
        .isEqualTo("1 Data entries added");
  }
}
