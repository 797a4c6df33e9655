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
 * shard-server's own {@code shard_meta}.
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
}
