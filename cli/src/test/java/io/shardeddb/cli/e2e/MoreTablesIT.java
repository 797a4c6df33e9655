package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second table in local mode (real operator, shard-servers on MariaDB, router; issue 46,
 * docs/sql.md, "More tables"), all over the MySQL port through Connector/J: {@code CREATE TABLE
 * orders} by the admin user becomes a table on every shard (answered once every shard applied it),
 * rows of both tables with the same shard keys go to the shard owning each key and come back per
 * table, a join of the two on their shard keys returns what was written to both shards, {@code DROP
 * TABLE orders} drops it on every shard, and the first table's rows are untouched throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoreTablesIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private HttpClient http;
  private DatabaseStatus db;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/items.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      b.sslContext(router.tls());
    }
    http = b.build();
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Connection mysql(String user, String password) throws SQLException {
    return LocalMysql.connect(router, user, password, false);
  }

  private Connection admin() throws SQLException {
    return mysql(ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER, router.adminToken());
  }

  private Connection data() throws SQLException {
    return mysql(ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER, router.token());
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(String.join(":", row));
      }
    }
    return out;
  }

  /** The router's {@code /query} answer to {@code sql} (which shards it asked, the rows). */
  private JsonNode query(String sql) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + router.token())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", sql))))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @SuppressWarnings("unchecked")
  private List<String> appliedTables() {
    Object applied = db.status().get("applied");
    if (!(applied instanceof Map<?, ?> a) || !(a.get("schema") instanceof Map<?, ?> schema)) {
      return List.of();
    }
    Object tables = schema.get("tables");
    if (!(tables instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(t -> String.valueOf(((Map<String, Object>) t).get("table"))).toList();
  }

  /**
   * A join of {@code items} and {@code orders} on their shard keys over the MySQL port
   * (docs/sql.md, "Joins"): rows written to both tables on both shards come back joined exactly as
   * written, a LEFT JOIN keeps the items without an order, and a key condition asks only the key's
   * shard.
   */
  private void joinsOfTheTwoTablesOnTheirShardKeysRunOnEachShard() throws Exception {
    List<Long> keys = new ArrayList<>();
    for (long k = 20; k < 30; k++) {
      keys.add(k); // on sh1
      keys.add(k + 1000); // on sh2
    }
    List<String> expected = new ArrayList<>();
    try (Connection c = data();
        Statement s = c.createStatement()) {
      StringBuilder items = new StringBuilder();
      StringBuilder orders = new StringBuilder();
      for (long k : keys) {
        items.append(items.isEmpty() ? "" : ", ").append("(" + k + ", 'item " + k + "')");
        if (k % 2 == 0) {
          orders
              .append(orders.isEmpty() ? "" : ", ")
              .append("(" + k + ", 'o" + k + "', " + k % 5 + ")");
        }
      }
      assertThat(s.executeUpdate("INSERT INTO items (id, name) VALUES " + items))
          .isEqualTo(keys.size());
      assertThat(s.executeUpdate("INSERT INTO orders (cust, item, qty) VALUES " + orders))
          .isEqualTo(keys.size() / 2);
      expected.add("5:five:pen:3");
      keys.stream()
          .sorted()
          .filter(k -> k % 2 == 0)
          .forEach(k -> expected.add(k + ":item " + k + ":o" + k + ":" + k % 5));
      expected.add("1500:fifteen hundred:ink:1");
      expected.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(r.split(":")[0])));

      List<String> joined =
          rows(
              s,
              "SELECT i.id, i.name, o.item, o.qty FROM items i JOIN orders o ON i.id = o.cust"
                  + " ORDER BY i.id");
      assertThat(joined).hasSize(12).containsExactlyElementsOf(expected);
      // Without ORDER BY the rows come in key order too, and the tables may be either way round.
      assertThat(
              rows(
                  s,
                  "SELECT i.id, i.name, o.item, o.qty FROM orders o INNER JOIN items i"
                      + " ON o.cust = i.id"))
          .containsExactlyElementsOf(expected);
      assertThat(
              rows(
                  s,
                  "SELECT i.id, o.item FROM items i LEFT JOIN orders o ON o.cust = i.id"
                      + " WHERE i.id IN (5, 21, 22, 1021, 1500)"))
          .containsExactly("5:pen", "21:null", "22:o22", "1021:null", "1500:ink");
      assertThat(rows(s, "SELECT COUNT(*) FROM items JOIN orders ON cust = id"))
          .containsExactly("12");
      assertThatThrownBy(
              () -> s.executeQuery("SELECT * FROM items i JOIN orders o ON i.name = o.item"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("joins must equate the two tables' shard keys (a.x = b.y)")
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
    }
    // Both shards took part; a key condition on either table asks only the key's shard.
    JsonNode all = query("SELECT i.id FROM items i JOIN orders o ON i.id = o.cust");
    assertThat(all.get("shards_queried").toString()).contains("sh1").contains("sh2");
    JsonNode one =
        query(
            "SELECT i.name, o.item FROM items i JOIN orders o ON i.id = o.cust WHERE o.cust = 1024");
    assertThat(one.get("shards_queried").toString()).isEqualTo("[\"sh2\"]");
    assertThat(one.get("data").get(0).get("name").asText()).isEqualTo("item 1024");
    assertThat(one.get("data").get(0).get("item").asText()).isEqualTo("o1024");

    try (Connection c = data();
        Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("DELETE FROM items WHERE id BETWEEN 20 AND 1029 AND id <> 1500"))
          .isEqualTo(keys.size());
    }
  }

  /** An EXPLAIN's rows over the MySQL port: column name -> value, a map per row. */
  private static List<Map<String, String>> explain(Statement s, String sql) throws SQLException {
    List<Map<String, String>> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      var meta = rs.getMetaData();
      while (rs.next()) {
        Map<String, String> row = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), rs.getString(i));
        }
        out.add(row);
      }
    }
    System.out.println(sql + "\n" + String.join("\n", out.stream().map(Object::toString).toList()));
    return out;
  }

  /**
   * {@code EXPLAIN} over the MySQL port (docs/sql.md, "EXPLAIN"): a filter on a column without an
   * index scans each shard, MariaDB using no index; once {@code CREATE INDEX} reached every shard,
   * each shard's MariaDB names that index for the same filter; a key is a point lookup on one
   * shard.
   */
  private void explainNamesTheIndexEachShardWouldUse() throws Exception {
    String filtered = "EXPLAIN SELECT cust, item FROM orders WHERE qty = 3";
    try (Connection c = data();
        Statement s = c.createStatement()) {
      StringBuilder orders = new StringBuilder();
      for (long k = 100; k < 140; k++) {
        for (long key : List.of(k, k + 1000)) {
          orders
              .append(orders.isEmpty() ? "" : ", ")
              .append("(" + key + ", 'x" + key + "', " + key % 10 + ")");
        }
      }
      assertThat(s.executeUpdate("INSERT INTO orders (cust, item, qty) VALUES " + orders))
          .isEqualTo(80);
      List<Map<String, String>> before = explain(s, filtered);
      assertThat(before)
          .extracting(r -> r.get("shard") + " " + r.get("table") + " " + r.get("access"))
          .containsExactly(
              "sh1 orders full scan of the shard", "sh2 orders full scan of the shard");
      assertThat(before).allSatisfy(r -> assertThat(r.get("pushed_where")).isEqualTo("qty = 3"));
      assertThat(before).allSatisfy(r -> assertThat(r.get("key")).isIn(null, "PRIMARY"));
    }
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE INDEX by_qty ON orders (qty)");
    }
    try (Connection c = data();
        Statement s = c.createStatement()) {
      List<Map<String, String>> after = explain(s, filtered);
      assertThat(after).hasSize(2);
      assertThat(after)
          .allSatisfy(
              r -> {
                assertThat(r.get("possible_keys")).contains("by_qty");
                assertThat(r.get("key")).isEqualTo("by_qty");
                // MariaDB's estimate: the few rows with qty 3, not the shard's 46.
                assertThat(Long.parseLong(r.get("rows"))).isBetween(1L, 45L);
              });
      assertThat(explain(s, "EXPLAIN SELECT item FROM orders WHERE cust = 1105"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.get("shard")).isEqualTo("sh2");
                assertThat(r.get("access")).isEqualTo("point lookup on the shard key");
                assertThat(r.get("key")).isEqualTo("PRIMARY");
              });
      explain(
          s,
          "EXPLAIN SELECT i.name, o.qty FROM items i JOIN orders o ON i.id = o.cust"
              + " WHERE o.qty = 3 ORDER BY o.qty LIMIT 5");
      assertThat(
              s.executeUpdate(
                  "DELETE FROM orders WHERE cust BETWEEN 100 AND 139 OR cust BETWEEN 1100 AND 1139"))
          .isEqualTo(80);
    }
  }

  @Test
  void aSecondTableIsCreatedFilledReadAndDroppedBesideTheFirst() throws Exception {
    // Keys 5 and 1500: one on each shard (sh1 owns [0, 1000), sh2 [1000, 2000)).
    try (Connection c = data();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO items (id, name) VALUES (5, 'five'), (1500, 'fifteen hundred')");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM orders"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
      // DDL is the admin user's.
      assertThatThrownBy(() -> s.execute("CREATE TABLE orders (cust BIGINT PRIMARY KEY)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("admin credential");
    }

    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE orders (cust BIGINT NOT NULL PRIMARY KEY, item VARCHAR(40) NOT NULL,"
              + " qty INT NULL)");
    }
    // Answered once every shard applied it.
    assertThat(appliedTables()).containsExactly("orders");

    try (Connection c = data();
        Statement s = c.createStatement()) {
      assertThat(rows(s, "SHOW TABLES")).containsExactly("items", "orders");
      assertThat(
              s.executeUpdate(
                  "INSERT INTO orders (cust, item, qty) VALUES (5, 'pen', 2), (1500, 'ink', 1)"))
          .isEqualTo(2);
      assertThat(rows(s, "SELECT cust, item, qty FROM orders ORDER BY cust"))
          .containsExactly("5:pen:2", "1500:ink:1");
      assertThat(rows(s, "SELECT item FROM Orders WHERE cust = 1500")).containsExactly("ink");
      assertThat(rows(s, "SELECT id, name FROM items ORDER BY id"))
          .containsExactly("5:five", "1500:fifteen hundred");
      assertThat(s.executeUpdate("UPDATE orders SET qty = 3 WHERE cust = 5")).isEqualTo(1);
      assertThat(rows(s, "SELECT qty FROM orders WHERE cust = 5")).containsExactly("3");
    }

    // Each shard holds its rows of each table: a key's read asks only its shard and finds the row.
    JsonNode onSh1 = query("SELECT item FROM orders WHERE cust = 5");
    assertThat(onSh1.get("shards_queried").toString()).isEqualTo("[\"sh1\"]");
    assertThat(onSh1.get("data").get(0).get("item").asText()).isEqualTo("pen");
    JsonNode onSh2 = query("SELECT item FROM orders WHERE cust = 1500");
    assertThat(onSh2.get("shards_queried").toString()).isEqualTo("[\"sh2\"]");
    assertThat(onSh2.get("data").get(0).get("item").asText()).isEqualTo("ink");
    JsonNode itemOnSh2 = query("SELECT name FROM items WHERE id = 1500");
    assertThat(itemOnSh2.get("shards_queried").toString()).isEqualTo("[\"sh2\"]");
    assertThat(itemOnSh2.get("data").get(0).get("name").asText()).isEqualTo("fifteen hundred");

    joinsOfTheTwoTablesOnTheirShardKeysRunOnEachShard();
    explainNamesTheIndexEachShardWouldUse();

    try (Connection c = admin();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("DROP TABLE items"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("first table");
      s.execute("DROP TABLE orders");
    }
    assertThat(appliedTables()).isEmpty();

    try (Connection c = data();
        Statement s = c.createStatement()) {
      assertThat(rows(s, "SHOW TABLES")).containsExactly("items");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM orders"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
      // The first table's rows are untouched.
      assertThat(rows(s, "SELECT id, name FROM items ORDER BY id"))
          .containsExactly("5:five", "1500:fifteen hundred");
    }
  }
}
