package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.shardeddb.router.Http;
import io.shardeddb.router.Http.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard larger than the heaps (issue 13 item 5): two shard-server JVMs and the router JVM, each
 * started with {@code -Xmx64m} and ending at the first OutOfMemoryError, hold one shard of about 60
 * MB of rows. The rows are written through the router (300 requests of 200 rows of 1 KB), a
 * full-range read through the router returns every row in key order (parsed as a stream), and a
 * re-copy of the secondary from the primary completes with equal checksums. Holding the shard (or a
 * growing part of it) in memory on any of these paths ends that JVM, and the test with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BigShardIT {
  static final String TOKEN = "big-shard-token";
  static final int ROWS = 60_000;
  static final int PER_WRITE = 200;
  static final String FILLER = "x".repeat(1000);

  @TempDir static Path dir;
  ShardServerFleet fleet;
  final List<Process> servers = new ArrayList<>();
  final List<String> urls = new ArrayList<>();
  Process router;
  String routerUrl;
  Http http;

  @BeforeAll
  void start() throws Exception {
    fleet = ShardServerFleet.start(dir);
    java.nio.file.Files.createDirectories(logFile("x").getParent());
    for (int i = 0; i < 2; i++) {
      urls.add(startSmallHeapServer("big-" + i, logFile("big-" + i)));
    }
    for (String url : urls) {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> new Http(url, null).get("/health/liveness").status() == 200);
    }
    routerUrl = startSmallHeapRouter(logFile("router"));
    http = new Http(routerUrl, TOKEN);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> new Http(routerUrl, null).get("/health/liveness").status() == 200);
  }

  /** The router jar the build made (system property set by the router's pom). */
  static Path routerJar() {
    Path jar = Path.of(System.getProperty("shardeddb.test.router-jar", "missing"));
    if (!java.nio.file.Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "router jar not found at " + jar + "; the failsafe run follows the package phase");
    }
    return jar;
  }

  /**
   * The router in its own JVM with a 64 MB heap, in standalone mode over the two shard-servers. An
   * OutOfMemoryError ends it (and leaves a heap dump next to its log for the post-mortem).
   */
  String startSmallHeapRouter(Path log) throws IOException {
    int port = freePort();
    router =
        new ProcessBuilder(
                java(),
                "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + log.resolveSibling("router-oom.hprof"),
                "-Dmicronaut.server.host=127.0.0.1",
                "-Dmicronaut.server.port=" + port,
                "-Dshardeddb.router.database=big",
                "-Dshardeddb.router.auth.token=" + TOKEN,
                "-Dshardeddb.router.auth.admin-token=" + TOKEN,
                "-Dshardeddb.router.shard-auth.token=" + ShardServerFleet.SHARD_CREDENTIAL,
                "-Dshardeddb.router.topology.source=standalone",
                "-Dshardeddb.router.standalone.shard-servers=" + String.join(",", urls),
                "-Dshardeddb.router.heartbeat.interval=200ms",
                "-jar",
                routerJar().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return "http://127.0.0.1:" + port;
  }

  /** The router JVM is still running (it exits at its first OutOfMemoryError). */
  void assertRouterAlive() {
    assertThat(router.isAlive())
        .as("the 64 MB router JVM is alive (see %s)", logFile("router"))
        .isTrue();
  }

  /** Each JVM's output, kept in target/ for a failed run. */
  static Path logFile(String name) {
    return Path.of(System.getProperty("user.dir"), "target", "big-shard-it", name + ".log");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** A shard-server in its own JVM with a 64 MB heap, on the fleet's MariaDB. */
  String startSmallHeapServer(String name, Path log) throws IOException {
    int port = freePort();
    Process p =
        new ProcessBuilder(
                java(),
                "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Dmicronaut.server.host=127.0.0.1",
                "-Dmicronaut.server.port=" + port,
                "-Dshardeddb.server.name=" + name,
                "-Dshardeddb.storage.jdbc-url=" + fleet.jdbcUrl(),
                "-Dshardeddb.storage.jdbc-user=" + fleet.user(),
                "-Dshardeddb.storage.jdbc-password=" + fleet.password(),
                "-Dshardeddb.storage.database=" + name.replace('-', '_'),
                "-Dshardeddb.auth.token=" + ShardServerFleet.SHARD_CREDENTIAL,
                "-jar",
                ShardServerFleet.jar().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    servers.add(p);
    return "http://127.0.0.1:" + port;
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) {
      router.destroy();
      if (!router.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        router.destroyForcibly();
      }
    }
    for (Process p : servers) {
      p.destroy();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void aShardLargerThanTheHeapIsWritten() {
    Reply init =
        http.send(
            "POST",
            "/init",
            "{\"N\":2,\"schema\":{\"columns\":[\"Stud_id\",\"Stud_name\"],"
                + "\"dtypes\":[\"Number\",\"String\"]},"
                + "\"shards\":[{\"Stud_id_low\":0,\"Shard_id\":\"sh1\",\"Shard_size\":1000000}],"
                + "\"servers\":{\"Server0\":[\"sh1\"],\"Server1\":[\"sh1\"]}}");
    assertThat(init.status()).as(init.text()).isEqualTo(200);
    // Through the 64 MB router: the writes once ended it with OutOfMemoryError after ~100 requests.
    for (int from = 0; from < ROWS; from += PER_WRITE) {
      StringBuilder body = new StringBuilder("{\"data\":[");
      for (int id = from; id < from + PER_WRITE; id++) {
        if (id > from) {
          body.append(',');
        }
        body.append("{\"Stud_id\":").append(id).append(",\"Stud_name\":\"");
        body.append(id).append(FILLER).append("\"}");
      }
      Reply w = http.send("POST", "/write", body.append("]}").toString());
      assertThat(w.status()).as("write from %d: %s", from, w.text()).isEqualTo(200);
    }
    assertRouterAlive();
  }

  @Test
  @Order(2)
  void aFullRangeReadThroughTheRouterReturnsEveryRowInKeyOrder() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(routerUrl + "/read"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.ofString("{\"Stud_id\":{\"low\":0,\"high\":999999}}"))
            .build();
    HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    // Parsed as a stream: the test JVM does not hold the whole answer either.
    long rows = 0;
    long expectedKey = 0;
    String status = null;
    try (InputStream in = r.body();
        JsonParser p = new JsonFactory().createParser(in)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.FIELD_NAME) {
          continue;
        }
        String field = p.currentName();
        if (field.equals("Stud_id")) {
          p.nextToken();
          assertThat(p.getLongValue()).isEqualTo(expectedKey);
          expectedKey++;
          rows++;
        } else if (field.equals("status")) {
          p.nextToken();
          status = p.getText();
        }
      }
    }
    assertThat(rows).isEqualTo(ROWS);
    assertThat(status).isEqualTo("success");
    assertRouterAlive();
    for (String url : urls) {
      assertThat(new Http(url, null).get("/health/liveness").status()).isEqualTo(200);
    }
  }

  @Test
  @Order(3)
  void theSecondaryReCopiesTheWholeShard() {
    String secondary = null;
    String primary = null;
    for (String url : urls) {
      String role =
          new Http(url, ShardServerFleet.SHARD_CREDENTIAL)
              .get("/heartbeat")
              .json()
              .get("role")
              .asText();
      if (role.equals("Primary")) {
        primary = url;
      } else {
        secondary = url;
      }
    }
    assertThat(primary).isNotNull();
    assertThat(secondary).isNotNull();
    Http s = new Http(secondary, ShardServerFleet.SHARD_CREDENTIAL);
    Reply resync = s.send("POST", "/resync", null);
    assertThat(resync.status()).as(resync.text()).isEqualTo(200);
    String p = primary;
    // The copy of ~60 MB takes seconds: it is seen under way before it is seen done.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> s.get("/heartbeat").json().get("state").asText().equals("Copying"));
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              Reply hb = s.get("/heartbeat");
              return hb.json().get("state").asText().equals("Ready")
                  && new Http(p, ShardServerFleet.SHARD_CREDENTIAL)
                      .get("/checksum")
                      .json()
                      .equals(s.get("/checksum").json());
            });
    assertThat(s.get("/checksum").json().get("rows").asLong()).isEqualTo(ROWS);
  }
}
