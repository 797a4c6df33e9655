package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard larger than the shard-servers' heap (issue 13 item 5): two shard-server JVMs started with
 * {@code -Xmx64m} hold one shard of about 60 MB of rows; a full-range read through the router
 * returns every row in key order (parsed as a stream), and a re-copy of the secondary from the
 * primary completes with equal checksums. Holding the shard in memory on either shard-server path
 * ends that JVM with OutOfMemoryError (as the read did before paging).
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
  EmbeddedServer router;
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
    // The router runs in this JVM: a 64 MB router JVM still ends in OutOfMemoryError, on writes
    // of this size as on the read (not found yet; see docs/router.md, Reads).
    router =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.host",
                "127.0.0.1",
                "micronaut.server.port",
                -1,
                "shardeddb.router.database",
                "big",
                "shardeddb.router.auth.token",
                TOKEN,
                "shardeddb.router.shard-auth.token",
                ShardServerFleet.SHARD_CREDENTIAL,
                "shardeddb.router.topology.source",
                "standalone",
                "shardeddb.router.standalone.shard-servers",
                urls,
                "shardeddb.router.heartbeat.interval",
                "200ms"));
    routerUrl = "http://127.0.0.1:" + router.getPort();
    http = new Http(routerUrl, TOKEN);
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
      router.close();
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
    // The rows go straight to the primary shard-server: this test is about reading and copying
    // them. (Through the 64 MB router, writes of this size end in OutOfMemoryError after ~100
    // requests: a separate finding, see the session report.)
    Http primary = new Http(primaryUrl(), ShardServerFleet.SHARD_CREDENTIAL);
    for (int from = 0; from < ROWS; from += PER_WRITE) {
      StringBuilder body = new StringBuilder("{\"shard\":\"sh1\",\"data\":[");
      for (int id = from; id < from + PER_WRITE; id++) {
        if (id > from) {
          body.append(',');
        }
        body.append("{\"Stud_id\":").append(id).append(",\"Stud_name\":\"");
        body.append(id).append(FILLER).append("\"}");
      }
      Reply w = primary.send("POST", "/write", body.append("]}").toString());
      assertThat(w.status()).as(w.text()).isEqualTo(200);
    }
  }

  /** The shard-server that is primary now. */
  String primaryUrl() {
    return await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .until(
            () ->
                urls.stream()
                    .filter(
                        u ->
                            new Http(u, ShardServerFleet.SHARD_CREDENTIAL)
                                .get("/heartbeat")
                                .json()
                                .get("role")
                                .asText()
                                .equals("Primary"))
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
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
