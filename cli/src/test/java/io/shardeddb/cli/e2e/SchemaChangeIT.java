package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.shardeddb.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema change in local mode (real operator, shard-servers on MariaDB, router; docs/sql.md,
 * "Changing the schema"): the resource's schema gains a nullable column and one with a default; the
 * operator records the change, every shard's primary applies it as a log entry, the status reports
 * version 2, the router then takes rows with the new columns, and rows written before read as the
 * defaults. A change that is not an online one (a column's type) is refused, naming it, and nothing
 * is applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaChangeIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private HttpClient http;
  private DatabaseStatus db;
  private String name;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    name = cluster.apply(home.resolve("cli/src/test/resources/items.yaml"));
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

  record Reply(int status, JsonNode json) {}

  Reply query(String sql) throws Exception {
    return query(sql, router.token());
  }

  Reply query(String sql, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", sql))))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  java.sql.Connection mysql(String user, String password) throws java.sql.SQLException {
    String url =
        "jdbc:mysql://"
            + router.mysqlHost()
            + ":"
            + io.shardeddb.api.ShardedDatabaseResources.ROUTER_MYSQL_PORT
            + "/"
            + router.database()
            + "?connectTimeout=10000&socketTimeout=120000"
            + (router.tls() != null ? "&sslMode=REQUIRED" : "&sslMode=DISABLED");
    return java.sql.DriverManager.getConnection(url, user, password);
  }

  @SuppressWarnings("unchecked")
  private void editColumns(UnaryOperator<List<Map<String, Object>>> change) {
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
              schema.put(
                  "columns",
                  change.apply(new ArrayList<>((List<Map<String, Object>>) schema.get("columns"))));
              spec.put("schema", schema);
              return r;
            });
  }

  private long appliedVersion() {
    Object applied = db.status().get("applied");
    if (!(applied instanceof Map<?, ?> a)) {
      return 0;
    }
    Object v = a.get("schemaVersion");
    return v == null ? 1 : ((Number) v).longValue();
  }

  @Test
  void addedColumnsReachEveryShardThenTheRouterUsesThem() throws Exception {
    for (int k = 0; k < 2000; k += 100) {
      Reply w = query("INSERT INTO items (id, name) VALUES (" + k + ", 'item-" + k + "')");
      assertThat(w.status()).as(String.valueOf(w.json())).isEqualTo(200);
    }
    Reply early = query("INSERT INTO items (id, name, note) VALUES (5, 'x', 'y')");
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.json().get("message").asText()).contains("note");
    assertThat(appliedVersion()).isEqualTo(1);

    editColumns(
        cols -> {
          cols.add(Map.of("name", "note", "type", "String", "nullable", true));
          cols.add(Map.of("name", "qty", "type", "Number", "default", "5"));
          return cols;
        });
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              assertThat(appliedVersion()).isEqualTo(2);
              assertThat(db.status().get("schemaChange")).isNull();
            });

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Reply w = query("INSERT INTO items (id, name, note) VALUES (1550, 'new', 'hello')");
              assertThat(w.status()).as(String.valueOf(w.json())).isEqualTo(200);
            });
    JsonNode fresh = query("SELECT * FROM items WHERE id = 1550").json().get("data").get(0);
    assertThat(fresh.get("note").asText()).isEqualTo("hello");
    assertThat(fresh.get("qty").asLong()).isEqualTo(5);
    for (int k : new int[] {0, 1100}) {
      JsonNode old = query("SELECT * FROM items WHERE id = " + k).json().get("data").get(0);
      assertThat(old.get("name").asText()).isEqualTo("item-" + k);
      assertThat(old.get("qty").asLong()).as("row %d written before the change", k).isEqualTo(5);
      assertThat(old.get("note").isNull()).isTrue();
    }
    Reply counted = query("SELECT COUNT(*) FROM items WHERE qty = 5");
    assertThat(counted.json().get("data").get(0).get("COUNT(*)").asLong()).isEqualTo(21);

    // The same through SQL: the data credential may not; the admin token on /query may.
    Reply denied = query("ALTER TABLE items ADD COLUMN tag VARCHAR(20) NULL");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("message").asText()).contains("needs the admin credential");
    Reply altered = query("ALTER TABLE items ADD COLUMN tag VARCHAR(20) NULL", router.adminToken());
    assertThat(altered.status()).as(String.valueOf(altered.json())).isEqualTo(200);
    assertThat(altered.json().get("message").asText()).contains("schema version 3");
    assertThat(appliedVersion()).isEqualTo(3);
    Reply tagged = query("INSERT INTO items (id, name, tag) VALUES (1551, 't', 'red')");
    assertThat(tagged.status()).as(String.valueOf(tagged.json())).isEqualTo(200);
    // ... and over the MySQL port as the admin user (what migration tools do).
    try (java.sql.Connection c =
            mysql(
                io.shardeddb.api.ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER,
                router.adminToken());
        java.sql.Statement st = c.createStatement()) {
      st.execute("ALTER TABLE items ADD COLUMN seen BOOLEAN NOT NULL DEFAULT FALSE");
    }
    assertThat(appliedVersion()).isEqualTo(4);
    try (java.sql.Connection c =
            mysql(
                io.shardeddb.api.ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER, router.token());
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery("SELECT id, tag, seen FROM items WHERE id = 1551")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("tag")).isEqualTo("red");
      assertThat(rs.getBoolean("seen")).isFalse();
    }

    // Not an online change: the type of a stored column. Refused naming it; nothing applied.
    editColumns(
        cols -> {
          cols.set(1, Map.of("name", "name", "type", "Number"));
          return cols;
        });
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(String.valueOf(db.status().get("conditions")))
                    .contains("spec.schema can only gain columns at the end"));
    assertThat(appliedVersion()).isEqualTo(4);
    assertThat(
            query("SELECT name FROM items WHERE id = 0")
                .json()
                .get("data")
                .get(0)
                .get("name")
                .asText())
        .isEqualTo("item-0");
  }
}
