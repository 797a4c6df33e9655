package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.Http;
import io.shardeddb.router.Http.Reply;
import io.shardeddb.router.TestRouter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bad input never reaches a shard and never shows a stack trace: every case below answers 4xx with
 * the contract's {@code {"message":..,"status":"failure"}} body naming the problem, and auth guards
 * data and admin endpoints while health, metrics and the OpenAPI document stay open. The topology
 * points at shard-servers that do not exist, so only a real shard call could fail with 503.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContractErrorsTest {
  static final String TOKEN = "s3cret-token";
  static final String TOPOLOGY =
      """
      {"database":"students","version":1,
       "schema":{"table":"students","shardKey":"Stud_id","columns":[
         {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
         {"name":"Stud_marks","type":"Number"},{"name":"Stud_gpa","type":"Decimal"}]},
       "writeQuorum":"Majority",
       "shards":[
         {"id":"sh1","low":0,"size":4096,"epoch":1,"primary":"a",
          "replicas":[{"name":"a","url":"http://127.0.0.1:9","role":"Primary"}]},
         {"id":"sh2","low":4096,"size":4096,"epoch":1,"primary":"b",
          "replicas":[{"name":"b","url":"http://127.0.0.1:9","role":"Primary"}]}],
       "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
      """;

  TestRouter server;
  Http http;

  @BeforeAll
  void start() {
    server =
        TestRouter.start(
            TOKEN,
            Map.of(
                "shardeddb.router.retry.timeout", "1s", "micronaut.server.max-request-size", 4096));
    http = server.http();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  void pushTopologyOnce() {
    if (http.get("/admin/topology").json().get("version").asLong() == 0) {
      assertThat(http.send("PUT", "/admin/topology", TOPOLOGY).status()).isEqualTo(200);
    }
  }

  static void assertFailure(Reply r, int status, String messagePart) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json().get("status").asText()).isEqualTo("failure");
    assertThat(r.message()).contains(messagePart);
    assertThat(r.text()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void requestsWithoutTheBearerTokenAreRefusedWith401() {
    Reply none = http.withToken(null).send("POST", "/read", "{}");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json())
        .isEqualTo(
            Http.json("{\"message\":\"missing or invalid bearer token\",\"status\":\"failure\"}"));
    assertThat(http.withToken("wrong").get("/status").status()).isEqualTo(401);
    assertThat(http.withToken(null).send("PUT", "/admin/topology", TOPOLOGY).status())
        .isEqualTo(401);
  }

  @Test
  void healthMetricsAndOpenApiStayOpen() {
    Http anonymous = http.withToken(null);
    assertThat(anonymous.get("/health/liveness").status()).isEqualTo(200);
    assertThat(anonymous.get("/health/readiness").status()).isIn(200, 503);
    pushTopologyOnce();
    http.send("POST", "/read", "{\"Stud_id\":{\"low\":1,\"high\":5000}}");
    Reply metrics = anonymous.get("/prometheus");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.text())
        .contains("http_server_requests_seconds_bucket")
        .contains("uri=\"/read\"")
        .contains("shardeddb_router_fanout_count{op=\"read\"")
        .contains("shardeddb_router_retries_total")
        .contains("shardeddb_router_errors_total");
    Reply openapi = anonymous.get("/swagger/shardeddb-router-v1alpha1.yml");
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.text()).contains("/read").contains("/write").contains("/init");
  }

  @Test
  @Order(1)
  void dataEndpointsBeforeInitSayWhatIsMissing() {
    assertFailure(
        http.send("POST", "/read", "{\"Stud_id\":{\"low\":1,\"high\":2}}"), 409, "call /init");
  }

  @Test
  void aStalePushedTopologyIsRefusedWith409() {
    pushTopologyOnce();
    assertFailure(http.send("PUT", "/admin/topology", TOPOLOGY), 409, "not newer");
  }

  @Test
  void malformedJsonIsA400() {
    pushTopologyOnce();
    assertFailure(
        http.send("POST", "/write", "{\"data\": [ {\"Stud_id\": "), 400, "malformed JSON");
    assertFailure(http.send("POST", "/write", "[1,2]"), 400, "JSON object");
    assertFailure(http.send("POST", "/read", ""), 400, "JSON object");
  }

  @Test
  void writesWithBadRowsNameTheProblemAndWriteNothing() {
    pushTopologyOnce();
    assertFailure(
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"A\",\"Stud_marks\":1,\"Age\":3}]}"),
        400,
        "unknown column 'Age'");
    assertFailure(
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"A\",\"Stud_marks\":\"lots\"}]}"),
        400,
        "field 'Stud_marks' must be a Number");
    assertFailure(
        http.send("POST", "/write", "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"A\"}]}"),
        400,
        "missing field 'Stud_marks'");
    assertFailure(
        http.send(
            "POST", "/write", "{\"data\":[" + row(5, "A", "1") + "," + row(99999, "B", "2") + "]}"),
        400,
        "no shard holds Stud_id 99999");
    assertFailure(http.send("POST", "/write", "{\"data\":{}}"), 400, "list of rows");
    assertFailure(http.send("POST", "/write", "{\"data\":[]}"), 400, "non-empty");
    assertFailure(http.send("POST", "/write", "{\"rows\":[]}"), 400, "unknown field 'rows'");
  }

  @Test
  void readsWithBadRangesAreA400() {
    pushTopologyOnce();
    assertFailure(
        http.send("POST", "/read", "{\"Stud_id\":{\"low\":9000,\"high\":10}}"),
        400,
        "is greater than high");
    assertFailure(http.send("POST", "/read", "{\"id\":{\"low\":1,\"high\":2}}"), 400, "id");
    assertFailure(
        http.send("GET", "/read", "{\"Stud_id\":{\"low\":9000,\"high\":10}}"),
        400,
        "is greater than high");
    assertFailure(
        http.send("POST", "/read", "{\"Stud_id\":{\"low\":\"x\",\"high\":2}}"), 400, "Stud_id.low");
    assertFailure(
        http.send(
            "POST", "/read", "{\"Stud_id\":{\"low\":1,\"high\":2},\"consistency\":\"strong\"}"),
        400,
        "consistency must be one of primary, session, any");
  }

  @Test
  void updatesAndDeletesOfKeysNoShardHoldsAre404() {
    pushTopologyOnce();
    assertFailure(
        http.send(
            "PUT",
            "/update",
            "{\"Stud_id\":\"99999\",\"data\":{\"Stud_id\":99999,\"Stud_name\":\"X\",\"Stud_marks\":1}}"),
        404,
        "Stud_id:99999");
    assertFailure(http.send("DELETE", "/del", "{\"Stud_id\":99999}"), 404, "Stud_id:99999");
    assertFailure(
        http.send("PUT", "/update", "{\"Stud_id\":1,\"data\":{\"Stud_id\":2}}"),
        400,
        "cannot change");
  }

  @Test
  void adminBodiesGetTheAssignmentsExactErrors() {
    pushTopologyOnce();
    Reply add =
        http.send(
            "POST",
            "/add",
            "{\"n\":3,\"new_shards\":[],\"servers\":{\"Server4\":[\"sh1\"],\"Server[5]\":[\"sh2\"]}}");
    assertThat(add.status()).isEqualTo(400);
    assertThat(add.json())
        .isEqualTo(
            Http.json(
                "{\"message\":\"<Error> Number of new servers (n) is greater than newly added"
                    + " instances\",\"status\":\"failure\"}"));
    Reply rm = http.send("DELETE", "/rm", "{\"n\":1,\"servers\":[\"Server0\",\"Server1\"]}");
    assertThat(rm.status()).isEqualTo(400);
    assertThat(rm.json())
        .isEqualTo(
            Http.json(
                "{\"message\":\"<Error> Length of server list is more than removable"
                    + " instances\",\"status\":\"failure\"}"));
    assertFailure(http.send("POST", "/add", "{\"n\":\"two\"}"), 400, "malformed JSON");
  }

  static String row(int id, String name, String gpa) {
    return "{\"Stud_id\":"
        + id
        + ",\"Stud_name\":\""
        + name
        + "\",\"Stud_marks\":1,\"Stud_gpa\":"
        + gpa
        + "}";
  }

  // Every case below would reach a shard (and answer 503 here) unless the router refuses it first.

  @Test
  void aKeyNamedTwiceIsRefusedBeforeAnyShardIsContacted() {
    pushTopologyOnce();
    assertFailure(
        http.send(
            "POST",
            "/write",
            "{\"data\":["
                + row(5, "A", "1")
                + ","
                + row(5, "B", "1")
                + ","
                + row(5000, "C", "1")
                + "]}"),
        400,
        "data[1]: Stud_id 5 is also in data[0]");
    assertFailure(
        http.send("POST", "/write", "{\"data\":[" + row(7, "A", "1") + "],\"data\":[]}"),
        400,
        "Duplicate field 'data'");
  }

  @Test
  void aLoneSurrogateIsRefusedNamingTheField() {
    pushTopologyOnce();
    assertFailure(
        http.send("POST", "/write", "{\"data\":[" + row(9, "x\\ud800y", "1") + "]}"),
        400,
        "field 'Stud_name' is not valid Unicode");
    assertFailure(
        http.send("PUT", "/update", "{\"Stud_id\":9,\"data\":{\"Stud_name\":\"\\udc00\"}}"),
        400,
        "field 'Stud_name' is not valid Unicode");
  }

  @Test
  void decimalsOutsideDecimal38Comma10AreA400NamingTheColumn() {
    pushTopologyOnce();
    assertFailure(
        http.send("POST", "/write", "{\"data\":[" + row(9, "A", "1" + "0".repeat(28)) + "]}"),
        400,
        "field 'Stud_gpa' is out of range for a Decimal");
    assertFailure(
        http.send("PUT", "/update", "{\"Stud_id\":9,\"data\":{\"Stud_gpa\":0.12345678901}}"),
        400,
        "field 'Stud_gpa' has more than 10 digits after the decimal point");
    assertFailure(
        http.send("PUT", "/update", "{\"Stud_id\":9,\"data\":{\"Stud_gpa\":\"1e-999999999\"}}"),
        400,
        "field 'Stud_gpa' has more than 10 digits");
    Reply r = http.send("PUT", "/update", "{\"Stud_id\":9,\"data\":{\"Stud_gpa\":\"1e99\"}}");
    assertFailure(r, 400, "Stud_gpa");
    assertThat(r.text()).doesNotContainIgnoringCase("sql").doesNotContain("DECIMAL(");
  }

  @Test
  void nullsInsideAdminListsAreA400NamingTheField() {
    pushTopologyOnce();
    assertFailure(
        http.send(
            "POST", "/add", "{\"n\":1,\"new_shards\":[null],\"servers\":{\"Server7\":[\"sh1\"]}}"),
        400,
        "new_shards[0] must not be null");
    assertFailure(
        http.send("POST", "/add", "{\"n\":1,\"servers\":{\"Server7\":[\"sh1\",null]}}"),
        400,
        "servers.Server7[1] must not be null");
    assertFailure(
        http.send("DELETE", "/rm", "{\"n\":1,\"servers\":[null]}"),
        400,
        "servers[0] must not be null");
    assertFailure(
        http.send(
            "POST", "/add", "{\"n\":1,\"servers\":{\"" + "S".repeat(200) + "[1]\":[\"sh1\"]}}"),
        400,
        "server name is longer than 63 characters");
  }

  @Test
  void aPushedTopologyWithBadUrlsOrVersionsIsA400NamingTheProblem() {
    pushTopologyOnce();
    assertFailure(
        http.send("PUT", "/admin/topology", TOPOLOGY.replace("\"version\":1", "\"version\":-5")),
        400,
        "field 'version' must be a positive number");
    String v9 = TOPOLOGY.replace("\"version\":1", "\"version\":9");
    assertFailure(
        http.send("PUT", "/admin/topology", v9.replace("http://127.0.0.1:9\"", "file:///etc\"")),
        400,
        "shards[0].replicas[0].url must start with http:// or https://");
    assertFailure(
        http.send(
            "PUT",
            "/admin/topology",
            v9.replace("http://127.0.0.1:9\"", "http://u:p@127.0.0.1:9/x?y\"")),
        400,
        "shards[0].replicas[0].url must be just scheme, host and port");
    assertFailure(
        http.send("PUT", "/admin/topology", v9.replace("\"primary\":\"a\"", "\"primary\":\"z\"")),
        400,
        "shards[0].primary 'z' is not one of its replicas");
    assertFailure(
        http.send("PUT", "/admin/topology", v9.replace("\"id\":\"sh2\"", "\"id\":\"sh1\"")),
        400,
        "used twice");
    assertThat(http.get("/admin/topology").json().get("version").asLong()).isEqualTo(1);
  }

  @Test
  void oversizedBodiesUnknownPathsAndWrongMethodsGetJsonFailures() {
    Reply big = http.send("POST", "/write", "{\"data\":\"" + "x".repeat(10_000) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.json().get("status").asText()).isEqualTo("failure");
    assertThat(big.message()).contains("larger than the limit");
    assertFailure(http.get("/nope"), 404, "");
    assertThat(http.send("PATCH", "/write", "{}").status()).isIn(404, 405);
    assertThat(http.send("PATCH", "/write", "{}").json().get("status").asText())
        .isEqualTo("failure");
  }

  @Test
  void aShardThatCannotBeReachedIsA503AfterTheRetryDeadline() {
    pushTopologyOnce();
    Reply r =
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":\"2255\",\"Stud_name\":\"GHI\",\"Stud_marks\":27,"
                + "\"Stud_gpa\":3.5}]}");
    assertFailure(r, 503, "shard sh1");
  }

  @Test
  void aReadOfAShardThatCannotBeReachedIsA503NotA500() {
    // The shard fails asynchronously (after the retry deadline), before anything was sent: the
    // read keeps the shard's status like a write does.
    pushTopologyOnce();
    assertFailure(http.send("POST", "/read", "{\"Stud_id\":{\"low\":1,\"high\":2}}"), 503, "sh1");
  }

  @Test
  void sessionTokensThatDoNotParseOrAreOutOfRangeAreA400NamingTheField() {
    pushTopologyOnce();
    for (String token :
        List.of(
            "sh1:9223372036854775807",
            "sh1:5@9223372036854775807",
            "sh1:99999999999999999999",
            "sh1:abc",
            "sh1:-1",
            ":5")) {
      assertFailure(
          http.send(
              "POST",
              "/read",
              "{\"Stud_id\":{\"low\":1,\"high\":2},\"consistency\":\"session\",\"session\":\""
                  + token
                  + "\"}"),
          400,
          "field 'session'");
    }
  }
}
