package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The assignment's server API on one replica (the primary of a one-replica shard), with the
 * assignment's example payloads and every error case, over real HTTP and a real MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardServerContractTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["Stud_id","Stud_name","Stud_marks"],
                 "dtypes":["Number","String","String"]},
       "shards":["sh2"], "table":"students", "shardKey":"Stud_id", "low":2048, "size":2048}
      """;

  private Replica server;
  private String url;

  @BeforeAll
  void startServer() {
    server = Replica.start("Server0", "contract_" + UUID.randomUUID().toString().substring(0, 8));
    url = server.url();
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  private void configured() {
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
  }

  private void primary() {
    configured();
    long epoch = Math.max(1, Http.get(url + "/heartbeat").json().get("epoch").asLong());
    RoleRequest role =
        new RoleRequest(
            epoch, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    Http.Reply r = Http.post(url + "/role", Http.json(role));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
  }

  @Test
  @DisplayName("GET /home greets as the assignment's server does, configured or not")
  void homeGreetsWithTheServerName() {
    // The assignment's server: {"message": "Hello from Server: <id>", "status": "successful"}; the
    // id here is the replica's name (the pod name in a cluster), before and after /config.
    for (int i = 0; i < 2; i++) {
      Http.Reply r = Http.get(url + "/home");
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
      assertThat(r.json().get("message").asText()).isEqualTo("Hello from Server: Server0");
      assertThat(r.json().get("status").asText()).isEqualTo("successful");
      assertThat(r.json().size()).isEqualTo(2);
      configured();
    }
  }

  @Test
  @DisplayName("/config answers '<server>:<shard> configured'; the same config again is harmless")
  void configIsIdempotent() {
    Http.Reply first = Http.post(url + "/config", CONFIG);
    Http.Reply again = Http.post(url + "/config", CONFIG);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("message").asText()).isEqualTo("Server0:sh2 configured");
    assertThat(first.json().get("status").asText()).isEqualTo("success");
    assertThat(again.status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a conflicting /config is a 409 with a message; several shards are a 400")
  void conflictingConfigIsRefused() {
    configured();
    Http.Reply conflict = Http.post(url + "/config", CONFIG.replace("\"String\"]", "\"Number\"]"));
    Http.Reply twoShards =
        Http.post(url + "/config", CONFIG.replace("[\"sh2\"]", "[\"sh1\",\"sh2\"]"));
    Http.Reply badName =
        Http.post(url + "/config", CONFIG.replace("\"Stud_marks\"", "\"marks; DROP TABLE x\""));

    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.message()).contains("conflicting config");
    assertThat(conflict.json().get("status").asText()).isEqualTo("failure");
    assertThat(twoShards.status()).isEqualTo(400);
    assertThat(twoShards.message()).contains("holds one shard");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.message()).contains("is not allowed");
  }

  @Test
  @DisplayName("write, read, update and del use the assignment's shapes and messages")
  void dataEndpointsFollowTheContract() {
    primary();
    Http.Reply write =
        Http.post(
            url + "/write",
            """
            {"shard":"sh2","curr_idx":507,"data":[
              {"Stud_id":2255,"Stud_name":"GHI","Stud_marks":"27"},
              {"Stud_id":2535,"Stud_name":"JKL","Stud_marks":"56"},
              {"Stud_id":2536,"Stud_name":"MNO","Stud_marks":"27"}]}
            """);
    assertThat(write.status()).as(write.raw()).isEqualTo(200);
    assertThat(write.json().get("message").asText()).isEqualTo("Data entries added");
    assertThat(write.json().get("current_idx").asInt()).isEqualTo(510);
    assertThat(write.json().get("status").asText()).isEqualTo("success");
    assertThat(write.json().get("lsn").asLong()).isPositive();

    Http.Reply read =
        Http.post(url + "/read", "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":2235,\"high\":2555}}");
    assertThat(read.status()).isEqualTo(200);
    assertThat(keys(read.json().get("data"))).containsExactly(2255L, 2535L, 2536L);
    assertThat(read.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("GHI");
    assertThat(read.json().get("appliedLsn").asLong()).isEqualTo(write.json().get("lsn").asLong());

    Http.Reply update =
        Http.put(
            url + "/update",
            """
            {"shard":"sh2","Stud_id":2255,
             "data":{"Stud_id":2255,"Stud_name":"GHI","Stud_marks":"28"}}
            """);
    assertThat(update.status()).as(update.raw()).isEqualTo(200);
    assertThat(update.message()).isEqualTo("Data entry for Stud_id:2255 updated");

    Http.Reply del = Http.delete(url + "/del", "{\"shard\":\"sh2\",\"Stud_id\":2536}");
    assertThat(del.status()).isEqualTo(200);
    assertThat(del.message()).isEqualTo("Data entry with Stud_id:2536 removed");

    JsonNode after =
        Http.post(url + "/read", "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":2255,\"high\":2536}}")
            .json()
            .get("data");
    assertThat(keys(after)).containsExactly(2255L, 2535L);
    assertThat(after.get(0).get("Stud_marks").asText()).isEqualTo("28");

    Http.Reply empty =
        Http.post(url + "/read", "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":0,\"high\":10}}");
    assertThat(empty.raw()).contains("\"data\":[]");

    Http.Reply copy = Http.post(url + "/copy", "{\"shards\":[\"sh2\"]}");
    assertThat(copy.status()).isEqualTo(200);
    assertThat(copy.json().get("status").asText()).isEqualTo("success");
    assertThat(keys(copy.json().get("sh2"))).contains(2255L, 2535L);
    assertThat(Http.get(url + "/copy").json().get("sh2").size())
        .isEqualTo(copy.json().get("sh2").size());
  }

  @Test
  @DisplayName("updating or deleting a missing row is a 404 with a message")
  void missingRowsAre404() {
    primary();
    Http.Reply update =
        Http.put(
            url + "/update", "{\"shard\":\"sh2\",\"Stud_id\":4000,\"data\":{\"Stud_name\":\"X\"}}");
    Http.Reply del = Http.delete(url + "/del", "{\"shard\":\"sh2\",\"Stud_id\":4001}");

    assertThat(update.status()).isEqualTo(404);
    assertThat(update.message()).isEqualTo("No data entry with Stud_id:4000");
    assertThat(del.status()).isEqualTo(404);
    assertThat(del.message()).isEqualTo("No data entry with Stud_id:4001");
  }

  @Test
  @DisplayName("bad input is a 400 JSON failure naming the problem, never a stack trace")
  void badInputIsNamed() {
    primary();
    assertFailure(
        Http.post(
            url + "/write", row("{\"Stud_id\":\"abc\",\"Stud_name\":\"A\",\"Stud_marks\":\"1\"}")),
        400,
        "field 'Stud_id' must be a Number");
    assertFailure(
        Http.post(
            url + "/write",
            row("{\"Stud_id\":2100,\"Stud_name\":\"A\",\"Stud_marks\":\"1\",\"Age\":3}")),
        400,
        "unknown column 'Age'");
    assertFailure(
        Http.post(url + "/write", row("{\"Stud_id\":2101,\"Stud_name\":\"A\"}")),
        400,
        "missing field 'Stud_marks'");
    assertFailure(
        Http.post(
            url + "/write", row("{\"Stud_id\":9000,\"Stud_name\":\"A\",\"Stud_marks\":\"1\"}")),
        421,
        "Stud_id 9000 is not owned by shard sh2, which owns [2048, 4096)");
    assertFailure(
        Http.post(url + "/write", "{\"shard\":\"sh2\",\"curr_idx\":1}"),
        400,
        "missing field 'data'");
    assertFailure(Http.post(url + "/write", "{\"shard\":\"sh9\",\"data\":[{}]}"), 400, "not sh9");
    assertFailure(Http.post(url + "/read", "{\"shard\":\"sh2\"}"), 400, "missing field 'Stud_id'");
    assertFailure(
        Http.post(url + "/read", "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":5,\"high\":1}}"),
        400,
        "greater than high");
    assertFailure(Http.delete(url + "/del", "{\"shard\":\"sh2\"}"), 400, "missing field 'Stud_id'");
    assertFailure(
        Http.put(url + "/update", "{\"shard\":\"sh2\",\"Stud_id\":2255}"),
        400,
        "missing field 'data'");
    Http.Reply malformed = Http.post(url + "/write", "{\"shard\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("status").asText()).isEqualTo("failure");
    assertThat(malformed.raw()).doesNotContain("\tat ");
  }

  @Test
  @DisplayName("a write retried with the same requestId is acknowledged again but applied once")
  void retriedWriteIsAppliedOnce() {
    primary();
    String body =
        """
        {"shard":"sh2","curr_idx":0,"requestId":"req-42","data":[
          {"Stud_id":3000,"Stud_name":"R","Stud_marks":"1"}]}
        """;
    Http.Reply first = Http.post(url + "/write", body);
    Http.Reply retry = Http.post(url + "/write", body);

    assertThat(first.status()).isEqualTo(200);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().get("lsn").asLong()).isEqualTo(first.json().get("lsn").asLong());
    Http.Reply duplicateWithoutId = Http.post(url + "/write", body.replace("\"req-42\"", "null"));
    assertThat(duplicateWithoutId.status()).isEqualTo(409);
    assertThat(duplicateWithoutId.message()).contains("Stud_id:3000 already exists");
  }

  @Test
  @DisplayName("a role with a lower epoch than one already seen is refused with 409")
  void lowerEpochRoleIsRefused() {
    primary();
    long current = Http.get(url + "/heartbeat").json().get("epoch").asLong();
    RoleRequest higher =
        new RoleRequest(
            current + 3, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.One, 1);
    assertThat(Http.post(url + "/role", Http.json(higher)).status()).isEqualTo(200);
    RoleRequest lower =
        new RoleRequest(
            current + 1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.One, 1);

    Http.Reply r = Http.post(url + "/role", Http.json(lower));

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message())
        .contains("epoch " + (current + 1) + " is lower than epoch " + (current + 3));
  }

  @Test
  @DisplayName("heartbeat, readiness, checksum, log, snapshot and prometheus report the replica")
  void observabilityEndpoints() throws Exception {
    primary();
    Http.post(url + "/write", row("{\"Stud_id\":3500,\"Stud_name\":\"Z\",\"Stud_marks\":\"9\"}"));
    Http.post(
        url + "/write",
        "{\"shard\":\"sh2\",\"requestId\":\"obs-1\",\"data\":"
            + "[{\"Stud_id\":3501,\"Stud_name\":\"Y\",\"Stud_marks\":\"8\"}]}");

    JsonNode hb = Http.get(url + "/heartbeat").json();
    assertThat(hb.get("name").asText()).isEqualTo("Server0");
    assertThat(hb.get("shard").asText()).isEqualTo("sh2");
    assertThat(hb.get("role").asText()).isEqualTo("Primary");
    assertThat(hb.get("state").asText()).isEqualTo("Ready");
    assertThat(hb.get("appliedLsn").asLong()).isPositive();
    assertThat(Http.get(url + "/health/readiness").status()).isEqualTo(200);
    assertThat(Http.get(url + "/health/liveness").status()).isEqualTo(200);

    JsonNode sum = Http.get(url + "/checksum").json();
    assertThat(sum.get("rows").asLong()).isPositive();
    assertThat(sum.get("digest").asText()).hasSize(64);
    assertThat(Http.get(url + "/checksum").json()).isEqualTo(sum);

    JsonNode log = Http.get(url + "/log?fromLsn=1").json();
    assertThat(log.get("entries").size()).isPositive();
    assertThat(log.get("lastLsn").asLong()).isEqualTo(hb.get("appliedLsn").asLong());

    String snapshot = Http.get(url + "/snapshot").raw();
    List<String> lines = snapshot.lines().toList();
    assertThat(lines.get(0)).contains("\"lsn\"").contains("\"rows\"");
    JsonNode header = Http.JSON.readTree(lines.get(0));
    // The header, the rows, then the request outcomes (rule 8).
    assertThat(lines).hasSize(1 + sum.get("rows").asInt() + header.get("requestIds").asInt());
    assertThat(lines.getLast()).contains("\"requestId\"");

    Http.Reply prometheus = Http.get(url + "/prometheus");
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.raw())
        .contains("shardeddb_writes_total")
        .contains("shardeddb_write_batch_size")
        .contains("shardeddb_replication_lag");
  }

  private static String row(String row) {
    return "{\"shard\":\"sh2\",\"curr_idx\":0,\"data\":[" + row + "]}";
  }

  private static void assertFailure(Http.Reply reply, int status, String messagePart) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
    assertThat(reply.json().get("status").asText()).isEqualTo("failure");
    assertThat(reply.message()).contains(messagePart);
  }

  private static List<Long> keys(JsonNode rows) {
    List<Long> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get("Stud_id").asLong()));
    return out;
  }
}
