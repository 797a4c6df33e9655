package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.local.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logs of real pod processes in local mode (the router's and shard-server's jars, started with
 * the environment the operator rendered): a database with {@code spec.logging.format: json} gets
 * JSON lines naming its database, shard and pod, and the router echoes a caller's request id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodLogsIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private Path logs;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    logs = dataDir.resolve("logs");
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/logs.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The lines of the pod log files whose names start with {@code prefix}. */
  private List<String> lines(String prefix) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    return lines;
  }

  /** The lines logback wrote: the JVM itself may print a warning before it starts. */
  private static List<JsonNode> json(List<String> lines) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("{")) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  @Test
  void shardAndRouterPodsLogJsonNamingTheirDatabaseShardAndPod() throws Exception {
    List<String> shard = lines("logs-sh1-0");
    List<JsonNode> shardJson = json(shard);
    assertThat(shardJson).isNotEmpty();
    // No plain (timestamp-first) line: everything logback wrote is JSON.
    assertThat(shard).noneMatch(l -> l.matches("^\\d{4}-\\d{2}-\\d{2}T.*"));
    assertThat(shardJson)
        .allSatisfy(
            line -> {
              assertThat(line.get("database").asText()).isEqualTo("logs");
              assertThat(line.get("shard").asText()).isEqualTo("sh1");
              assertThat(line.get("pod").asText()).isEqualTo("logs-sh1-0");
              assertThat(line.get("time").asText()).isNotBlank();
              assertThat(line.get("level").asText()).isNotBlank();
            });

    List<JsonNode> routerJson = json(lines("logs-router"));
    assertThat(routerJson).isNotEmpty();
    assertThat(routerJson)
        .allSatisfy(
            line -> {
              assertThat(line.get("database").asText()).isEqualTo("logs");
              assertThat(line.has("shard")).isFalse();
              assertThat(line.get("pod").asText()).startsWith("logs-router");
            });
  }

  @Test
  void theRouterEchoesTheCallersRequestId() throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      b.sslContext(router.tls());
    }
    HttpResponse<String> r =
        b.build()
            .send(
                HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + router.token())
                    .header("Content-Type", "application/json")
                    .header("X-Request-Id", "pod-logs-it-1")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"query\": \"SELECT COUNT(*) FROM events\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("pod-logs-it-1");
  }
}
