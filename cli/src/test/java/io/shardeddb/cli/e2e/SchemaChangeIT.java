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
    return LocalMysql.connect(router, user, password, false);
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

  /**
   * Eight writers insert fresh keys through the router (each key once, never retried) while {@code
   * ALTER TABLE … ADD COLUMN} and {@code CREATE INDEX} run: every acknowledged row is there after,
   * and the longest time without any acknowledged write while the two changes ran is printed (the
   * issue's goal is 1 s; asserted only against a stall).
   */
  private void ddlUnderEightWriters() throws Exception {
    List<Long> free = new ArrayList<>();
    for (long k = 1; k < 2000; k++) {
      if (k % 100 != 0 && k != 1550 && k != 1551) {
        free.add(k);
      }
    }
    java.util.Set<Long> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.ConcurrentLinkedQueue<Long> ackNanos =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger failed =
        new java.util.concurrent.atomic.AtomicInteger();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                for (int i = writer;
                    i < free.size() && !stop.get() && System.nanoTime() < deadline;
                    i += 8) {
                  long k = free.get(i);
                  try {
                    Reply r =
                        query("INSERT INTO items (id, name) VALUES (" + k + ", 'w" + k + "')");
                    if (r.status() == 200) {
                      acked.add(k);
                      ackNanos.add(System.nanoTime());
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              },
              "ddl-writer-" + w);
      t.setDaemon(true);
      writers.add(t);
      t.start();
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> acked.size() >= 100);
    long started = System.nanoTime();
    Reply column =
        query("ALTER TABLE items ADD COLUMN extra INT NULL DEFAULT 3", router.adminToken());
    assertThat(column.status()).as(String.valueOf(column.json())).isEqualTo(200);
    Reply index = query("CREATE INDEX by_extra ON items (extra, name)", router.adminToken());
    assertThat(index.status()).as(String.valueOf(index.json())).isEqualTo(200);
    long changed = System.nanoTime();
    int atChange = acked.size();
    await().atMost(Duration.ofMinutes(1)).until(() -> acked.size() >= atChange + 100);
    stop.set(true);
    for (Thread t : writers) {
      t.join(Duration.ofMinutes(1).toMillis());
    }
    assertThat(appliedVersion()).isEqualTo(8);

    List<Long> times = ackNanos.stream().filter(t -> t >= started).sorted().toList();
    long longest = 0;
    long previous = started;
    for (long t : times) {
      if (previous > changed) {
        break;
      }
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    java.util.Set<Long> stored = new java.util.HashSet<>();
    JsonNode rows = query("SELECT id FROM items WHERE id > 0 AND id < 2000").json().get("data");
    rows.forEach(r -> stored.add(r.get("id").asLong()));
    java.util.Set<Long> lost = new java.util.TreeSet<>(acked);
    lost.removeAll(stored);
    System.out.printf(
        "DDL under 8 writers: %d acknowledged, %d not acknowledged, %d lost; ADD COLUMN + CREATE"
            + " INDEX took %d ms; longest time without an acknowledged write meanwhile %d ms%n",
        acked.size(),
        failed.get(),
        lost.size(),
        Duration.ofNanos(changed - started).toMillis(),
        Duration.ofNanos(longest).toMillis());
    assertThat(lost).as("acknowledged rows missing after the schema changes").isEmpty();
    assertThat(Duration.ofNanos(longest)).isLessThan(Duration.ofSeconds(15));
    // Rows written before the column read as its default; the index serves a filter on it.
    Reply byExtra = query("SELECT COUNT(*) FROM items WHERE extra = 3");
    assertThat(byExtra.json().get("data").get(0).get("COUNT(*)").asLong())
        .isEqualTo(stored.size() + 1L);
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

    // A secondary index, created over the MySQL port by the admin user and dropped on /query:
    // each a schema version applied on every shard; the data credential may not.
    try (java.sql.Connection c =
            mysql(
                io.shardeddb.api.ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER,
                router.adminToken());
        java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE INDEX by_name ON items (name, qty)");
    }
    assertThat(appliedVersion()).isEqualTo(5);
    assertThat(String.valueOf(((Map<?, ?>) db.status().get("applied")).get("schema")))
        .contains("by_name")
        .contains("[name, qty]");
    Reply byName = query("SELECT id FROM items WHERE name = 'item-1100'");
    assertThat(byName.status()).as(String.valueOf(byName.json())).isEqualTo(200);
    assertThat(byName.json().get("data").get(0).get("id").asLong()).isEqualTo(1100);
    assertThat(query("CREATE INDEX other ON items (tag)").status()).isEqualTo(403);
    Reply unique = query("CREATE UNIQUE INDEX u ON items (name)", router.adminToken());
    assertThat(unique.status()).isEqualTo(400);
    assertThat(unique.json().get("message").asText()).contains("unique per shard");
    Reply dropped = query("DROP INDEX by_name ON items", router.adminToken());
    assertThat(dropped.status()).as(String.valueOf(dropped.json())).isEqualTo(200);
    assertThat(dropped.json().get("message").asText())
        .contains("schema version 6")
        .contains("dropped index by_name");
    assertThat(String.valueOf(((Map<?, ?>) db.status().get("applied")).get("schema")))
        .doesNotContain("by_name");

    // Online (issue 46): 8 writers through the router while a column and an index are added.
    ddlUnderEightWriters();

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
    assertThat(appliedVersion()).isEqualTo(8);
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
