package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.router.Http;
import io.shardeddb.router.Http.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad and awkward input against real shard-servers (real MariaDB): a schema with 40 String columns
 * configures, a 38-digit Decimal round-trips exactly, a /write naming a key twice writes nothing on
 * any shard, and a database whose table is called {@code shard_meta} stays apart from the
 * shard-server's own {@code shard_meta}; and a table of abusive inputs, each with the 4xx it must
 * get, none a 5xx, none writing anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
  static final String TOKEN = "bad-input-token";
  static final List<String> WIDE = IntStream.rangeClosed(1, 40).mapToObj(i -> "s" + i).toList();
  static final String EXACT = "1234567890123456789012345678.1234567891";

  @TempDir static Path dir;
  ShardServerFleet fleet;
  EmbeddedServer ledgerRouter;
  EmbeddedServer metaRouter;
  Http ledger;
  Http meta;

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    ledgerRouter = router("ledger", fleet.startServers("ledger", 2));
    metaRouter = router("shard_meta", fleet.startServers("meta", 2));
    ledger = new Http("http://127.0.0.1:" + ledgerRouter.getPort(), TOKEN);
    meta = new Http("http://127.0.0.1:" + metaRouter.getPort(), TOKEN);
  }

  static EmbeddedServer router(String database, List<String> pool) {
    return ApplicationContext.run(
        EmbeddedServer.class,
        Map.of(
            "micronaut.server.host",
            "127.0.0.1",
            "micronaut.server.port",
            -1,
            "shardeddb.router.database",
            database,
            "shardeddb.router.auth.token",
            TOKEN,
            "shardeddb.router.auth.admin-token",
            TOKEN,
            "shardeddb.router.topology.source",
            "standalone",
            "shardeddb.router.standalone.shard-servers",
            pool,
            "shardeddb.router.heartbeat.interval",
            "200ms"));
  }

  @AfterAll
  void stop() throws Exception {
    for (EmbeddedServer r : new EmbeddedServer[] {ledgerRouter, metaRouter}) {
      if (r != null) {
        r.close();
      }
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  static String init(List<String> columns, List<String> dtypes) {
    return "{\"N\":2,\"schema\":{\"columns\":["
        + columns.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(","))
        + "],\"dtypes\":["
        + dtypes.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(","))
        + "]},\"shards\":[{\"Stud_id_low\":0,\"Shard_id\":\"sh1\",\"Shard_size\":4096},"
        + "{\"Stud_id_low\":4096,\"Shard_id\":\"sh2\",\"Shard_size\":4096}],"
        + "\"servers\":{\"Server0\":[\"sh1\"],\"Server1\":[\"sh2\"]}}";
  }

  static String ledgerRow(int id, String gpa) {
    return "{\"Stud_id\":"
        + id
        + ",\"gpa\":"
        + gpa
        + ","
        + WIDE.stream()
            .map(c -> "\"" + c + "\":\"" + c + "-" + id + "\"")
            .collect(Collectors.joining(","))
        + "}";
  }

  @Test
  @Order(1)
  void aSchemaWithFortyStringColumnsConfigures() {
    List<String> columns = new java.util.ArrayList<>(List.of("Stud_id", "gpa"));
    columns.addAll(WIDE);
    List<String> dtypes = new java.util.ArrayList<>(List.of("Number", "Decimal"));
    WIDE.forEach(c -> dtypes.add("String"));
    Reply r = ledger.send("POST", "/init", init(columns, dtypes));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    Reply w = ledger.send("POST", "/write", "{\"data\":[" + ledgerRow(1, "1.5") + "]}");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void aThirtyEightDigitDecimalRoundTripsExactly() {
    Reply w = ledger.send("POST", "/write", "{\"data\":[" + ledgerRow(2, EXACT) + "]}");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
    Reply r = ledger.send("POST", "/read", "{\"Stud_id\":{\"low\":2,\"high\":2}}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).contains("\"gpa\":" + EXACT);
    Reply u =
        ledger.send("PUT", "/update", "{\"Stud_id\":2,\"data\":{\"gpa\":\"-" + EXACT + "\"}}");
    assertThat(u.status()).as(u.text()).isEqualTo(200);
    assertThat(ledger.send("POST", "/read", "{\"Stud_id\":{\"low\":2,\"high\":2}}").text())
        .contains("\"gpa\":-" + EXACT);
  }

  @Test
  @Order(3)
  void aKeyNamedTwiceWritesNothingOnAnyShard() {
    Reply w =
        ledger.send(
            "POST",
            "/write",
            "{\"data\":["
                + ledgerRow(10, "1")
                + ","
                + ledgerRow(10, "2")
                + ","
                + ledgerRow(5000, "3")
                + "]}");
    assertThat(w.status()).as(w.text()).isEqualTo(400);
    assertThat(w.message()).contains("Stud_id 10 is also in data[0]");
    Reply r = ledger.send("POST", "/read", "{\"Stud_id\":{\"low\":3,\"high\":8000}}");
    assertThat(r.json().get("data")).isEmpty();
  }

  @Test
  @Order(4)
  void aTableNamedShardMetaNeverTouchesTheInternalTable() {
    Reply init =
        meta.send(
            "POST", "/init", init(List.of("Stud_id", "Stud_name"), List.of("Number", "String")));
    assertThat(init.status()).as(init.text()).isEqualTo(200);
    Reply w =
        meta.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"a\"},{\"Stud_id\":4097,\"Stud_name\":\"b\"}]}");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
    assertThat(meta.send("DELETE", "/del", "{\"Stud_id\":1}").status()).isEqualTo(200);
    // The shard still works after a delete: its own shard_meta row is intact.
    Reply again = meta.send("POST", "/write", "{\"data\":[{\"Stud_id\":2,\"Stud_name\":\"c\"}]}");
    assertThat(again.status()).as(again.text()).isEqualTo(200);
    Reply r = meta.send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":8191}}");
    assertThat(r.json().get("data").size()).isEqualTo(2);
  }

  /** One abusive request to the router and the answer it must get. */
  record Case(String method, String path, String body, int status, String fragment) {}

  static final String HUGE = "\"" + "x".repeat(12 * 1024 * 1024) + "\"";

  static List<Case> abuse() {
    String row = ledgerRow(20, "1");
    return List.of(
        new Case("POST", "/write", "{\"data\":", 400, ""),
        new Case("POST", "/write", "[]", 400, ""),
        new Case("POST", "/write", "not json", 400, ""),
        new Case("POST", "/write", "[".repeat(100_000), 400, ""),
        new Case("POST", "/write", "{\"data\":\"x\"}", 400, "field 'data' must be a list"),
        new Case("POST", "/write", "{\"data\":[null]}", 400, "data[0]"),
        new Case("POST", "/write", "{\"data\":[" + row + "],\"extra\":1}", 400, "unknown field"),
        new Case("POST", "/write", "{\"data\":[],\"data\":[]}", 400, "Duplicate field"),
        new Case(
            "POST",
            "/write",
            "{\"data\":[" + row.replace("\"gpa\":1", "\"gpa\":\"abc\"") + "]}",
            400,
            "gpa"),
        new Case(
            "POST",
            "/write",
            "{\"data\":[" + row.replace("\"Stud_id\":20", "\"Stud_id\":1e400") + "]}",
            400,
            "Stud_id"),
        new Case(
            "POST",
            "/write",
            "{\"data\":[" + row.replace("\"s1\":\"s1-20\"", "\"s1\":" + HUGE) + "]}",
            413,
            ""),
        new Case("POST", "/read", "{\"Stud_id\":{\"low\":\"x\",\"high\":3}}", 400, "low"),
        new Case("POST", "/read", "{}", 400, "Stud_id"),
        new Case("POST", "/read", "{\"Stud_id\":5}", 400, "Stud_id"),
        new Case(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":0,\"high\":3},\"consistency\":7}",
            400,
            "consistency"),
        new Case(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":0,\"high\":3},\"session\":5}",
            400,
            "field 'session' must be a string token"),
        // Issue 26: an LSN no shard ever issued was a 500; both are the session field's 400.
        new Case(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":0,\"high\":3},\"consistency\":\"session\","
                + "\"session\":\"sh1:9223372036854775807\"}",
            400,
            "field 'session'"),
        new Case(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":0,\"high\":3},\"consistency\":\"session\","
                + "\"session\":\"sh1:12x\"}",
            400,
            "field 'session'"),
        new Case(
            "POST",
            "/read",
            "{\"Stud_id\":{\"low\":0,\"high\":3},\"limit\":5}",
            400,
            "unknown field 'limit'"),
        new Case("PUT", "/update", "{\"Stud_id\":1}", 400, "data"),
        new Case("PUT", "/update", "{\"Stud_id\":1,\"data\":{\"gpa\":\"x\"}}", 400, "gpa"),
        new Case("DELETE", "/del", "{\"Stud_id\":\"abc\"}", 400, "Stud_id"),
        new Case("DELETE", "/del", "", 400, ""),
        new Case("POST", "/add", "{\"n\":1,\"new_shards\":[null],\"servers\":{}}", 400, ""),
        new Case("DELETE", "/rm", "{\"n\":-1,\"servers\":[]}", 400, ""));
  }

  @Test
  @Order(5)
  void everyAbusiveInputGetsItsFourHundredNeverAFiveHundredAndWritesNothing() {
    Reply before = ledger.send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":8191}}");
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    for (Case c : abuse()) {
      Reply r = ledger.send(c.method(), c.path(), c.body());
      String what = c.method() + " " + c.path() + " " + abbreviate(c.body());
      soft.assertThat(r.status()).as("%s -> %s", what, abbreviate(r.text())).isEqualTo(c.status());
      soft.assertThat(r.status()).as("%s never a 5xx", what).isLessThan(500);
      if (!c.fragment().isEmpty()) {
        soft.assertThat(r.message()).as("%s message", what).contains(c.fragment());
      }
    }
    soft.assertAll();
    Reply after = ledger.send("POST", "/read", "{\"Stud_id\":{\"low\":0,\"high\":8191}}");
    assertThat(after.json()).isEqualTo(before.json());
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 120 ? s : s.substring(0, 120) + "...(" + s.length() + ")";
  }
}
