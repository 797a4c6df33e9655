package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input and abuse against one shard-server (the primary of a one-replica shard), as a table:
 * each input, the status it must get and a fragment of the message. No bad input may get a 5xx or
 * change the data: the shard holds exactly the one good row afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardServerAbuseTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["Stud_id","Stud_name","Stud_marks"],
                 "dtypes":["Number","String","Decimal"]},
       "shards":["sh2"], "table":"students", "shardKey":"Stud_id", "low":2048, "size":2048}
      """;

  /** One abusive request and the answer it must get. */
  record Case(String method, String path, String body, int status, String fragment) {}

  private Replica server;
  private String url;

  @BeforeAll
  void startServer() {
    server = Replica.start("Server0", "abuse_" + UUID.randomUUID().toString().substring(0, 8));
    url = server.url();
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    Http.Reply r = Http.post(url + "/role", Http.json(role));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    Http.Reply w =
        Http.post(
            url + "/write",
            "{\"shard\":\"sh2\",\"data\":[{\"Stud_id\":2050,\"Stud_name\":\"a\",\"Stud_marks\":1.5}]}");
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  static String write(String rows) {
    return "{\"shard\":\"sh2\",\"data\":[" + rows + "]}";
  }

  static String row(String id, String name, String marks) {
    return "{\"Stud_id\":" + id + ",\"Stud_name\":" + name + ",\"Stud_marks\":" + marks + "}";
  }

  static final String HUGE = "\"" + "x".repeat(12 * 1024 * 1024) + "\"";
  static final String DEEP = "[".repeat(100_000);

  static List<Case> cases() {
    return List.of(
        // Malformed or mistyped bodies.
        new Case("POST", "/write", "{\"shard\":", 400, ""),
        new Case("POST", "/write", "[]", 400, ""),
        new Case("POST", "/write", "not json", 400, ""),
        new Case("POST", "/write", DEEP, 400, ""),
        new Case("POST", "/write", "{\"shard\":\"sh2\",\"data\":\"x\"}", 400, ""),
        new Case("POST", "/write", "{\"shard\":\"sh2\"}", 400, "missing field 'data'"),
        new Case("POST", "/write", "{\"shard\":\"sh2\",\"data\":[]}", 400, "at least one row"),
        new Case("POST", "/write", write("null"), 400, ""),
        new Case("POST", "/write", write(row("\"abc\"", "\"n\"", "1")), 400, "Stud_id"),
        new Case("POST", "/write", write(row("1e400", "\"n\"", "1")), 400, "Stud_id"),
        new Case("POST", "/write", write(row("2051", "\"n\"", "\"x\"")), 400, "Stud_marks"),
        new Case("POST", "/write", write(row("2051", "\"n\"", "1e50")), 400, "Stud_marks"),
        new Case("POST", "/write", write(row("2051", "\"\\ud800\"", "1")), 400, "Unicode"),
        new Case(
            "POST",
            "/write",
            write(row("2051", "\"" + "y".repeat(1025) + "\"", "1")),
            400,
            "longer than 1024"),
        new Case("POST", "/write", write(row("5", "\"n\"", "1")), 421, "not owned by shard sh2"),
        new Case(
            "POST",
            "/write",
            write(row("2051", "\"n\"", "1") + "," + row("2051", "\"m\"", "2")),
            400,
            "more than once"),
        new Case(
            "POST",
            "/write",
            "{\"shard\":\"sh9\",\"data\":[" + row("2051", "\"n\"", "1") + "]}",
            400,
            "holds shard sh2"),
        new Case("POST", "/write", write(row("2051", HUGE, "1")), 413, ""),
        // Reads.
        new Case(
            "POST",
            "/read",
            "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":\"x\",\"high\":5}}",
            400,
            "low"),
        new Case("POST", "/read", "{\"shard\":\"sh2\"}", 400, "Stud_id"),
        new Case(
            "POST",
            "/read",
            "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":0,\"high\":9999},\"limit\":0}",
            400,
            "field 'limit' must be 1 or more"),
        new Case(
            "POST",
            "/read",
            "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":0,\"high\":9999},\"limit\":\"many\"}",
            400,
            "limit"),
        new Case(
            "POST",
            "/read",
            "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":0,\"high\":9999},\"consistency\":7}",
            400,
            "consistency"),
        new Case(
            "POST",
            "/read",
            "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":0,\"high\":9999},\"minLsn\":\"x\"}",
            400,
            "minLsn"),
        // Updates and deletes.
        new Case("PUT", "/update", "{\"shard\":\"sh2\",\"Stud_id\":2050}", 400, "data"),
        new Case(
            "PUT",
            "/update",
            "{\"shard\":\"sh2\",\"Stud_id\":2050,\"data\":{\"Stud_marks\":\"x\"}}",
            400,
            "Stud_marks"),
        new Case(
            "PUT",
            "/update",
            "{\"shard\":\"sh2\",\"Stud_id\":2050,\"data\":{\"Stud_id\":2051}}",
            400,
            "cannot be updated"),
        new Case("DELETE", "/del", "{\"shard\":\"sh2\",\"Stud_id\":\"abc\"}", 400, "Stud_id"),
        new Case("DELETE", "/del", "{\"shard\":\"sh2\"}", 400, "Stud_id"),
        new Case("DELETE", "/del", "", 400, ""),
        // Control plane: epochs and roles.
        new Case("POST", "/role", "{\"epoch\":-1,\"role\":\"Primary\"}", 400, "epoch"),
        new Case(
            "POST", "/role", "{\"epoch\":99999999999999999999999,\"role\":\"Primary\"}", 400, ""),
        new Case("POST", "/role", "{\"epoch\":\"abc\",\"role\":\"Primary\"}", 400, ""),
        new Case("POST", "/role", "{\"epoch\":2,\"role\":\"King\"}", 400, ""),
        new Case("POST", "/role", "{}", 400, ""),
        new Case("POST", "/fence", "{\"epoch\":0}", 400, "epoch"),
        new Case("POST", "/fence", "{\"epoch\":-5}", 400, "epoch"),
        new Case("POST", "/fence", "{\"epoch\":\"x\"}", 400, ""),
        new Case("POST", "/config", "{\"schema\":null}", 400, ""),
        new Case("POST", "/config", "{}", 400, "missing field"),
        new Case(
            "POST",
            "/config",
            "{\"schema\":{\"columns\":[\"Stud_id\"],\"dtypes\":[\"Number\"]},\"shards\":[\"sh2\"],"
                + "\"columns\":[{\"name\":\"other\",\"type\":\"Number\"}]}",
            400,
            "field 'columns' must define the schema's columns"),
        new Case(
            "POST",
            "/config",
            "{\"schema\":{\"columns\":[\"Stud_id\"],\"dtypes\":[\"Number\"]},\"shards\":[\"sh2\"],"
                + "\"columns\":[{\"name\":\"Stud_id\",\"type\":\"Number\",\"nullable\":true}]}",
            400,
            "cannot be nullable"),
        new Case("POST", "/replicate", "{\"entries\":\"x\"}", 400, ""),
        new Case("POST", "/copy", "{\"shards\":\"sh2\"}", 400, "shards"),
        new Case("POST", "/copy", "{\"shards\":[\"sh9\"]}", 400, "sh9"));
  }

  @Test
  void everyBadInputGetsItsFourHundredAndNothingChanges() {
    SoftAssertions soft = new SoftAssertions();
    for (Case c : cases()) {
      Http.Reply r =
          switch (c.method()) {
            case "POST" -> Http.post(url + c.path(), c.body());
            case "PUT" -> Http.put(url + c.path(), c.body());
            case "DELETE" -> Http.delete(url + c.path(), c.body());
            default -> throw new IllegalArgumentException(c.method());
          };
      String what = c.method() + " " + c.path() + " " + abbreviate(c.body());
      soft.assertThat(r.status()).as("%s -> %s", what, abbreviate(r.raw())).isEqualTo(c.status());
      soft.assertThat(r.status()).as("%s never a 5xx", what).isLessThan(500);
      if (!c.fragment().isEmpty()) {
        soft.assertThat(r.message()).as("%s message", what).contains(c.fragment());
      }
    }
    soft.assertAll();
    // The data and the role are as before.
    Http.Reply read =
        Http.post(url + "/read", "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":0,\"high\":9999}}");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("data")).hasSize(1);
    assertThat(read.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("a");
    assertThat(Http.get(url + "/heartbeat").json().get("epoch").asLong()).isEqualTo(1);
    assertThat(Http.get(url + "/heartbeat").json().get("role").asText()).isEqualTo("Primary");
    // What this shard-server can store, for the operator's schema changes (StorageFormat).
    assertThat(Http.get(url + "/heartbeat").json().get("storageFormat").asInt())
        .isEqualTo(io.shardeddb.protocol.schema.StorageFormat.CURRENT);
  }

  @Test
  void aReadLongerThanItsLimitComesInPagesThatJoinUpToTheRange() {
    StringBuilder rows = new StringBuilder();
    for (int id = 3000; id < 3010; id++) {
      rows.append(rows.isEmpty() ? "" : ",").append(row(String.valueOf(id), "\"p\"", "2"));
    }
    assertThat(Http.post(url + "/write", write(rows.toString())).status()).isEqualTo(200);
    long low = 3000;
    int pages = 0;
    List<Long> keys = new java.util.ArrayList<>();
    while (true) {
      Http.Reply page =
          Http.post(
              url + "/read",
              "{\"shard\":\"sh2\",\"Stud_id\":{\"low\":" + low + ",\"high\":3009},\"limit\":4}");
      assertThat(page.status()).as(page.raw()).isEqualTo(200);
      pages++;
      page.json().get("data").forEach(r -> keys.add(r.get("Stud_id").asLong()));
      if (!page.json().hasNonNull("next")) {
        break;
      }
      low = page.json().get("next").asLong();
      assertThat(pages).isLessThan(10);
    }
    assertThat(pages).isEqualTo(3);
    assertThat(keys)
        .containsExactly(3000L, 3001L, 3002L, 3003L, 3004L, 3005L, 3006L, 3007L, 3008L, 3009L);
    // Clean up for the other test's row count.
    for (long id = 3000; id < 3010; id++) {
      Http.delete(url + "/del", "{\"shard\":\"sh2\",\"Stud_id\":" + id + "}");
    }
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 120 ? s : s.substring(0, 120) + "…(" + s.length() + ")";
  }
}
