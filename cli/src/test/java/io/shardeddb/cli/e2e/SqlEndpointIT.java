package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed-MySQL coordinator's documented example requests against ShardedDB in local mode
 * (real operator, shard-server and router processes): an INSERT answers with its timestamp and
 * quorum, a SELECT reads it back, the primary is killed while SQL writes keep coming, a write sent
 * right after the kill still succeeds, and the coordinator's status shows the new primary as not
 * the original.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlEndpointIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private HttpClient http;
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A reply: status and JSON body. */
  record Reply(int status, JsonNode json) {}

  Reply send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + router.token());
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
  }

  Reply query(String sql) throws Exception {
    return send("POST", "/query", JSON.writeValueAsString(Map.of("query", sql)));
  }

  JsonNode shardStatus(String shard) throws Exception {
    for (JsonNode s : send("GET", "/query/status", null).json().get("shards")) {
      if (s.get("shard").asText().equals(shard)) {
        return s;
      }
    }
    throw new AssertionError("no shard " + shard + " in /query/status");
  }

  @Test
  void theCoordinatorsExampleRequestsWorkAndSurviveAPrimaryFailover() throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/failover.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      client.sslContext(router.tls());
    }
    http = client.build();
    await().atMost(LONG).until(db::isReady);

    // The coordinator's INSERT and SELECT, on this database's table.
    Reply insert =
        query("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (1, 'Alice', 90)");
    assertThat(insert.status()).as(String.valueOf(insert.json())).isEqualTo(200);
    assertThat(insert.json().get("success").asBoolean()).isTrue();
    assertThat(insert.json().get("message").asText())
        .matches("Write successful \\(timestamp: \\d+, quorum: [23]/3\\)");
    assertThat(insert.json().get("rows_affected").asLong()).isEqualTo(1);
    assertThat(insert.json().get("executed_on").asText()).isEqualTo("sh1/" + db.primary("sh1"));

    Reply select = query("SELECT * FROM students WHERE Stud_id = 1");
    assertThat(select.status()).isEqualTo(200);
    assertThat(select.json().get("message").asText()).isEqualTo("Read successful");
    assertThat(select.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("Alice");

    String oldPrimary = db.primary("sh1");
    long oldEpoch = db.epoch("sh1");
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              JsonNode sh1 = shardStatus("sh1");
              assertThat(sh1.get("primary").asText()).isEqualTo(oldPrimary);
              assertThat(sh1.get("is_original").asBoolean()).isTrue();
              assertThat(sh1.get("replicas")).hasSize(3);
            });

    // SQL writes to both shards keep coming while sh1's primary is killed.
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < 4000 && !stop.get() && Instant.now().isBefore(deadline); i++) {
                long key = (i % 2 == 0) ? 100 + i / 2 : 4096 + 100 + i / 2;
                try {
                  Reply r =
                      query(
                          "INSERT INTO students VALUES ("
                              + key
                              + ", 's"
                              + key
                              + "', "
                              + (key % 100)
                              + ")");
                  if (r.status() == 200) {
                    acked.add(key);
                  } else {
                    failed.incrementAndGet();
                  }
                } catch (Exception e) {
                  failed.incrementAndGet();
                }
              }
            },
            "sql-writer");
    writer.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> acked.size() >= 60);

    long pid = cluster.pods().pidOf(oldPrimary).orElseThrow();
    // Frozen (SIGSTOP), not killed: a killed process is restarted at once, as a kubelet does, and
    // may resume its role before any failover; a hung primary is always replaced.
    signal("STOP", pid);

    // A write sent right after the kill waits out the failover and succeeds on the new primary.
    Reply during =
        query("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (2, 'Bob', 80)");
    assertThat(during.status()).as(String.valueOf(during.json())).isEqualTo(200);
    assertThat(during.json().get("success").asBoolean()).isTrue();
    // Acknowledged by the new primary, with a majority of the three replicas holding it.
    assertThat(during.json().get("executed_on").asText()).isNotEqualTo("sh1/" + oldPrimary);
    assertThat(during.json().get("quorum").asText()).matches("[23]/3");

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              assertThat(db.epoch("sh1")).isGreaterThan(oldEpoch);
              JsonNode sh1 = shardStatus("sh1");
              assertThat(sh1.get("primary").asText()).isNotEqualTo(oldPrimary);
              assertThat(sh1.get("original_primary").asText()).isEqualTo(oldPrimary);
              assertThat(sh1.get("is_original").asBoolean()).isFalse();
            });
    int afterFailover = acked.size();
    await().atMost(Duration.ofMinutes(1)).until(() -> acked.size() > afterFailover + 40);
    stop.set(true);
    writer.join(Duration.ofSeconds(60).toMillis());
    signal("CONT", pid); // the old primary wakes fenced and rejoins as a secondary

    // Every acknowledged SQL write is there, read back through SQL.
    Reply all = query("SELECT Stud_id FROM students WHERE Stud_id BETWEEN 0 AND 8191");
    Set<Long> stored = new HashSet<>();
    all.json().get("data").forEach(r -> stored.add(r.get("Stud_id").asLong()));
    assertThat(stored).contains(1L, 2L).containsAll(acked);
    Reply count = query("SELECT COUNT(*) AS n FROM students");
    assertThat(count.json().get("data").get(0).get("n").asLong()).isEqualTo(stored.size());

    // GROUP BY over both shards: each shard's rows read, folded into groups by the router.
    Reply grouped =
        query(
            "SELECT Stud_marks, COUNT(*) AS n, SUM(Stud_id) AS s, MIN(Stud_id) FROM students"
                + " WHERE Stud_id >= 100 GROUP BY Stud_marks ORDER BY Stud_marks");
    assertThat(grouped.status()).as(String.valueOf(grouped.json())).isEqualTo(200);
    assertThat(grouped.json().get("columns").toString())
        .isEqualTo("[\"Stud_marks\",\"n\",\"s\",\"MIN(Stud_id)\"]");
    java.util.TreeMap<Long, long[]> expected = new java.util.TreeMap<>();
    for (long key : stored) {
      if (key >= 100) {
        long[] g = expected.computeIfAbsent(key % 100, m -> new long[] {0, 0, Long.MAX_VALUE});
        g[0]++;
        g[1] += key;
        g[2] = Math.min(g[2], key);
      }
    }
    java.util.List<String> want = new java.util.ArrayList<>();
    expected.forEach((m, g) -> want.add(m + ":" + g[0] + ":" + g[1] + ":" + g[2]));
    java.util.List<String> got = new java.util.ArrayList<>();
    grouped
        .json()
        .get("data")
        .forEach(
            r ->
                got.add(
                    r.get("Stud_marks").asLong()
                        + ":"
                        + r.get("n").asLong()
                        + ":"
                        + r.get("s").asLong()
                        + ":"
                        + r.get("MIN(Stud_id)").asLong()));
    assertThat(got).isEqualTo(want);
    assertThat(grouped.json().get("shards_queried")).hasSizeGreaterThanOrEqualTo(2);
    System.out.printf(
        "SqlEndpointIT: %d SQL writes acknowledged, %d not, across the failover%n",
        acked.size(), failed.get());
  }

  /** {@code kill -SIG pid} (STOP freezes the process as a hung pod; CONT resumes it). */
  private static void signal(String sig, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %d", sig, pid).isZero();
  }
}
