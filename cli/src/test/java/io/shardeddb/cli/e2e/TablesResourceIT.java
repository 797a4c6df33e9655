package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.tls.TlsRole;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Many tables through the resource in local mode (real operator, shard-servers on MariaDB; issue
 * 46, docs/sql.md "Tables"): a database created with {@code spec.schema.tables} has its second
 * table on every replica from its first {@code /config}; an edit that drops it and creates another
 * is applied one table at a time, each a schema version every replica reaches through its log; an
 * edit that is not an online change (a table's shard key) is refused naming it, nothing applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TablesResourceIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private DatabaseStatus db;
  private String name;

  @BeforeAll
  void start() throws java.io.IOException {
    // Kept after the run (pod logs under logs/) for a failure's diagnosis; emptied at start.
    Path dataDir = home.resolve("cli/target/tables-it");
    if (java.nio.file.Files.exists(dataDir)) {
      try (var walk = java.nio.file.Files.walk(dataDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    name = cluster.apply(home.resolve("cli/src/test/resources/tables.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void tablesAreCreatedWithTheDatabaseThenDroppedAndCreatedByEditingTheSpec() throws Exception {
    // Created with the database: version 1 holds both tables on every replica of both shards.
    assertThat(appliedTables()).containsExactly("orders");
    assertEveryReplicaAt(1, List.of("orders"));

    // One edit that drops orders and creates tags: two versions, in that order.
    editTables(
        tables ->
            List.of(
                Map.of(
                    "table",
                    "tags",
                    "shardKey",
                    "id",
                    "columns",
                    List.of(
                        Map.of("name", "id", "type", "Number"),
                        Map.of("name", "tag", "type", "String")))));
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              assertThat(appliedVersion()).isEqualTo(3);
              assertThat(db.status().get("schemaChange")).isNull();
            });
    assertThat(appliedTables()).containsExactly("tags");
    assertEveryReplicaAt(3, List.of("tags"));
    List<String> changed =
        events().stream()
            .filter(e -> "SchemaChanged".equals(e.getReason()))
            .map(Event::getMessage)
            .toList();
    assertThat(changed)
        .anySatisfy(m -> assertThat(m).contains("schema version 2 (drop table orders)"))
        .anySatisfy(m -> assertThat(m).contains("schema version 3 (create table tags)"));

    // Not an online change: tags' shard key becomes another column. Refused naming it.
    editTables(
        tables ->
            List.of(
                Map.of(
                    "table",
                    "tags",
                    "shardKey",
                    "n",
                    "columns",
                    List.of(
                        Map.of("name", "id", "type", "Number"),
                        Map.of("name", "tag", "type", "String"),
                        Map.of("name", "n", "type", "Number")))));
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(String.valueOf(db.status().get("conditions")))
                    .contains("alter table tags"));
    assertThat(appliedVersion()).isEqualTo(3);
    assertEveryReplicaAt(3, List.of("tags"));
  }

  /**
   * Rows of two tables written over SQL; a split of sh2 moves both tables' rows of the moved range
   * (each shard's checksum counts the rows of every table it owns); a restore to a time after the
   * split holds both tables with exactly those rows.
   */
  @Test
  void aSplitMovesEveryTablesRowsAndARestoreBringsTheTablesWithTheirRows() throws Exception {
    String shelf = cluster.apply(home.resolve("cli/src/test/resources/tables-moved.yaml"));
    DatabaseStatus status = new DatabaseStatus(cluster.client(), cluster.namespace(), shelf);
    await().atMost(LONG).until(status::isReady);
    List<Long> keys = new ArrayList<>();
    for (long k = 0; k < 2000; k += 25) {
      keys.add(k);
    }
    for (long k : keys) {
      assertOk(shelf, "INSERT INTO items (id, name) VALUES (" + k + ", 'item-" + k + "')");
      assertOk(shelf, "INSERT INTO orders (item, qty) VALUES (" + k + ", " + (k % 7) + ")");
    }
    CliRun backup =
        CliRun.cli(
            "backup",
            "create",
            shelf,
            "--name",
            "shelf-b1",
            "--wait",
            "--kubeconfig",
            kubeconfig());
    assertThat(backup.code()).as(backup.err()).isZero();

    // After the base backup, transactions over both tables (orders keyed by item, not id), over
    // the MySQL port: each one Txn entry of sh2, archived, then moved by the split and replayed
    // by the restore below, each step in its own table.
    try (java.sql.Connection c = mysqlData(shelf);
        java.sql.Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO items (id, name) VALUES (1510, 'pair')");
      s.executeUpdate("INSERT INTO orders (item, qty) VALUES (1510, 5)");
      c.commit();
      s.executeUpdate("UPDATE orders SET qty = 40 WHERE item = 1500");
      s.executeUpdate("UPDATE items SET name = 'renamed' WHERE id = 1500");
      c.commit();
      s.executeUpdate("INSERT INTO orders (item, qty) VALUES (1520, 1)");
      s.executeUpdate("DELETE FROM items WHERE id = 1500");
      c.rollback();
    }
    keys.add(1510L);

    // Split sh2: [1500, 2000) moves to sh3 with the rows of both tables.
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(shelf)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            JSON.writeValueAsString(
                List.of(
                    Map.of(
                        "op",
                        "replace",
                        "path",
                        "/spec/shards",
                        "value",
                        List.of(
                            Map.of("id", "sh1", "low", 0, "size", 1000),
                            Map.of("id", "sh2", "low", 1000, "size", 500),
                            Map.of("id", "sh3", "low", 1500, "size", 500))))));
    await()
        .atMost(Duration.ofMinutes(8))
        .until(
            () ->
                status.isReady()
                    && status.replicas("sh3").size() == 2
                    && DatabaseStatus.asList(
                                DatabaseStatus.asMap(status.status().get("applied")).get("shards"))
                            .size()
                        == 3);
    // Each shard's rows, both tables, on every replica: items and orders rows of its range.
    Map<String, long[]> ranges =
        Map.of(
            "sh1",
            new long[] {0, 1000},
            "sh2",
            new long[] {1000, 1500},
            "sh3",
            new long[] {1500, 2000});
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              for (var e : ranges.entrySet()) {
                long inRange =
                    keys.stream().filter(k -> k >= e.getValue()[0] && k < e.getValue()[1]).count();
                for (Map<String, Object> replica : status.replicas(e.getKey())) {
                  assertThat(
                          call(shelf, (String) replica.get("url"), "/checksum")
                              .get("rows")
                              .asLong())
                      .as("rows of both tables on %s of %s", replica.get("pod"), e.getKey())
                      .isEqualTo(2 * inRange);
                }
              }
            });
    assertThat(count(shelf, "SELECT COUNT(*) FROM orders")).isEqualTo(keys.size());
    assertThat(count(shelf, "SELECT COUNT(*) FROM orders WHERE item >= 1500")).isEqualTo(21);
    assertThat(count(shelf, "SELECT qty FROM orders WHERE item = 1500")).isEqualTo(40);

    // A restore to a time after the split: the schema with both tables, and their rows.
    Thread.sleep(1500);
    java.time.Instant after = java.time.Instant.now();
    Thread.sleep(1500);
    assertOk(shelf, "INSERT INTO orders (item, qty) VALUES (1999, 1)");
    CliRun restore =
        CliRun.cli(
            "restore",
            shelf,
            "shelfback",
            "--time",
            after.toString(),
            "--wait",
            "--kubeconfig",
            kubeconfig());
    assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
    DatabaseStatus restored =
        new DatabaseStatus(cluster.client(), cluster.namespace(), "shelfback");
    await().atMost(LONG).until(restored::isReady);
    assertThat(
            String.valueOf(
                DatabaseStatus.asMap(restored.resource().getAdditionalProperties().get("spec"))
                    .get("schema")))
        .contains("orders");
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              assertThat(count("shelfback", "SELECT COUNT(*) FROM orders")).isEqualTo(keys.size());
              assertThat(count("shelfback", "SELECT COUNT(*) FROM items")).isEqualTo(keys.size());
            });
    // The transactions replayed from the archive, each step in its own table; the rolled back
    // one nowhere.
    assertThat(count("shelfback", "SELECT qty FROM orders WHERE item = 1500")).isEqualTo(40);
    assertThat(count("shelfback", "SELECT qty FROM orders WHERE item = 1510")).isEqualTo(5);
    assertThat(count("shelfback", "SELECT COUNT(*) FROM items WHERE name = 'renamed'"))
        .isEqualTo(1);
    assertThat(count("shelfback", "SELECT COUNT(*) FROM orders WHERE item = 1520")).isZero();
  }

  /** A MySQL-protocol connection to {@code database}'s router as its data user. */
  private java.sql.Connection mysqlData(String database) throws Exception {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(database).orElse(null), i -> i != null);
    return java.sql.DriverManager.getConnection(
        "jdbc:mysql://"
            + info.mysqlHost()
            + ":"
            + io.shardeddb.api.ShardedDatabaseResources.ROUTER_MYSQL_PORT
            + "/"
            + info.database()
            + "?connectTimeout=10000&socketTimeout=180000"
            + (info.tls() != null ? "&sslMode=REQUIRED" : "&sslMode=DISABLED"),
        io.shardeddb.api.ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER,
        info.token());
  }

  private String kubeconfig() {
    return cluster.kubeconfig().toString();
  }

  /** {@code POST /query} on {@code database}'s router with its data token; the reply's JSON. */
  private JsonNode query(String database, String sql) throws Exception {
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(database).orElse(null), i -> i != null);
    java.net.http.HttpClient.Builder b =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (info.tls() != null) {
      b.sslContext(info.tls());
    }
    HttpResponse<String> r =
        b.build()
            .send(
                HttpRequest.newBuilder(URI.create(info.routerUrl() + "/query"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + info.token())
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(Map.of("query", sql))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(r.body());
    assertThat(r.statusCode()).as("%s: %s", sql, r.body()).isEqualTo(200);
    return json;
  }

  private void assertOk(String database, String sql) throws Exception {
    query(database, sql);
  }

  private long count(String database, String sql) throws Exception {
    return query(database, sql).get("data").get(0).elements().next().asLong();
  }

  private void assertEveryReplicaAt(long version, List<String> others) {
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              for (String shard : List.of("sh1", "sh2")) {
                List<Map<String, Object>> replicas = db.replicas(shard);
                assertThat(replicas).hasSize(2);
                for (Map<String, Object> replica : replicas) {
                  JsonNode schema = schemaOf((String) replica.get("url"));
                  assertThat(schema.get("version").asLong())
                      .as("schema version of %s", replica.get("pod"))
                      .isEqualTo(version);
                  assertThat(schema.get("schema").get("table").asText()).isEqualTo("items");
                  List<String> tables = new ArrayList<>();
                  if (schema.hasNonNull("tables")) {
                    schema.get("tables").forEach(t -> tables.add(t.get("table").asText()));
                  }
                  assertThat(tables).as("tables of %s", replica.get("pod")).isEqualTo(others);
                }
              }
            });
  }

  /** A replica's {@code GET /schema}, called as the operator is (mTLS and the shard credential). */
  private JsonNode schemaOf(String url) throws Exception {
    return call(name, url, "/schema");
  }

  /** {@code GET path} on a replica of {@code database} as the operator (mTLS, shard credential). */
  private JsonNode call(String database, String url, String path) throws Exception {
    HttpResponse<String> r =
        ShardTls.client(cluster, database, TlsRole.OPERATOR)
            .send(
                HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(10))
                    .header(
                        "Authorization",
                        "Bearer " + cluster.shardCredential(database).orElseThrow())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @SuppressWarnings("unchecked")
  private List<String> appliedTables() {
    Map<String, Object> applied = DatabaseStatus.asMap(db.status().get("applied"));
    Map<String, Object> schema = DatabaseStatus.asMap(applied.get("schema"));
    List<String> names = new ArrayList<>();
    Object tables = schema.get("tables");
    if (tables instanceof List<?> l) {
      l.forEach(t -> names.add((String) ((Map<String, Object>) t).get("table")));
    }
    return names;
  }

  private long appliedVersion() {
    Object v = DatabaseStatus.asMap(db.status().get("applied")).get("schemaVersion");
    return v == null ? 1 : ((Number) v).longValue();
  }

  private List<Event> events() {
    return cluster
        .client()
        .v1()
        .events()
        .inNamespace(cluster.namespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private void editTables(UnaryOperator<List<Map<String, Object>>> change) {
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .edit(
            (GenericKubernetesResource r) -> {
              Map<String, Object> spec =
                  (Map<String, Object>) r.getAdditionalProperties().get("spec");
              Map<String, Object> schema =
                  new LinkedHashMap<>((Map<String, Object>) spec.get("schema"));
              Object tables = schema.get("tables");
              schema.put(
                  "tables",
                  change.apply(
                      tables == null
                          ? new ArrayList<>()
                          : new ArrayList<>((List<Map<String, Object>>) tables)));
              spec.put("schema", schema);
              return r;
            });
  }
}
