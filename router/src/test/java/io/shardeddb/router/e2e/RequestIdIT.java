package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.logging.JsonLineEncoder;
import io.shardeddb.protocol.logging.RequestIds;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.shard.ShardServerClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A write's request id follows it from the router to its shard's primary, in the logs
 * (docs/monitoring.md, "Logs"): real routers in front of real shard-servers (real MariaDB), one
 * router calling its primary over the data stream as deployed, one over HTTP ({@code
 * shard-transport=http}). The router's line about the write and the primary's line about the same
 * write, both read as the JSON a pod writes, carry the same {@code mdc.requestId}: the client's
 * {@code X-Request-Id}, or the one the router made and echoed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestIdIT {
  static final String TOKEN = "request-id-token";
  static final String INIT =
      """
      {"N":1,
       "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
       "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096}],
       "servers":{"Server0":["sh1"]}}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROUTER_LOGGER = "io.shardeddb.router.routing.WritePath";
  private static final Pattern ROUTER_LINE =
      Pattern.compile("write of 1 rows to shards \\[sh1\\]: write id (\\S+)");

  @TempDir static Path dir;
  ShardServerFleet fleet;
  TestRouter overStream;
  TestRouter overHttp;
  ByteArrayOutputStream shardLines;
  final ByteArrayOutputStream routerLines = new ByteArrayOutputStream();
  OutputStreamAppender<ILoggingEvent> routerAppender;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    shardLines = fleet.jsonLinesOf("io.shardeddb.shardserver.http.WriteLines");
    overStream = router(fleet.startServer("ids-stream-0"), "stream");
    overHttp = router(fleet.startServer("ids-http-0"), "http");
    captureRouterLines();
  }

  private TestRouter router(String server, String transport) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("shardeddb.router.database", "students");
    settings.put("shardeddb.router.topology.source", "standalone");
    settings.put("shardeddb.router.standalone.shard-servers", List.of(server));
    settings.put("shardeddb.router.heartbeat.interval", "200ms");
    settings.put("shardeddb.router.shard-transport", transport);
    TestRouter router = TestRouter.start(TOKEN, settings);
    Http http = new Http(router.url(), TOKEN);
    assertThat(http.send("POST", "/init", INIT).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(http.withToken(null).get("/health/readiness").status()).isEqualTo(200));
    return router;
  }

  /** The router's lines about writes, as the JSON a router pod writes. */
  private void captureRouterLines() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    routerAppender = new OutputStreamAppender<>();
    routerAppender.setContext(context);
    routerAppender.setEncoder(encoder);
    routerAppender.setOutputStream(routerLines);
    routerAppender.start();
    Logger logger = context.getLogger(ROUTER_LOGGER);
    logger.setLevel(Level.DEBUG);
    logger.addAppender(routerAppender);
  }

  @AfterAll
  void stop() throws Exception {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ROUTER_LOGGER);
    logger.detachAppender(routerAppender);
    logger.setLevel(null);
    for (TestRouter r : new TestRouter[] {overStream, overHttp}) {
      if (r != null) {
        r.close();
      }
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void theClientsRequestIdIsOnThePrimarysLineOverTheDataStream() throws IOException {
    ShardServerClient calls =
        overStream.server().getApplicationContext().getBean(ShardServerClient.class);
    assertThat(calls.streamTransport()).isTrue();
    // The stream opens on first use (calls go over HTTP meanwhile): write until one went over it.
    int[] key = {100};
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(write(overStream, key[0]++, null).statusCode()).isEqualTo(200);
              assertThat(calls.streamedCalls()).isPositive();
            });
    long streamed = calls.streamedCalls();

    HttpResponse<String> sent = write(overStream, 1, "order-17");

    assertThat(calls.streamedCalls())
        .as("the write went over the data stream")
        .isGreaterThan(streamed);
    assertThat(sent.headers().firstValue(RequestIds.HEADER)).hasValue("order-17");
    assertFollowed("order-17");
  }

  @Test
  void theRequestIdTheRouterMadeIsOnThePrimarysLineOverHttp() throws IOException {
    ShardServerClient calls =
        overHttp.server().getApplicationContext().getBean(ShardServerClient.class);
    assertThat(calls.streamTransport()).isFalse();

    HttpResponse<String> sent = write(overHttp, 2, null);

    // No id sent: the router made one, echoed it, and logged the write under it.
    String made = sent.headers().firstValue(RequestIds.HEADER).orElseThrow();
    assertThat(made).isNotBlank();
    assertFollowed(made);
  }

  /**
   * The router logged one write under {@code requestId}, naming its write id, and the primary
   * logged that write (the write id of its shard part, {@code <id>/sh1}) under the same request id.
   */
  private void assertFollowed(String requestId) throws IOException {
    List<JsonNode> routed = linesWith(routerLines, requestId);
    assertThat(routed).as("the router's lines under %s", requestId).hasSize(1);
    Matcher m = ROUTER_LINE.matcher(routed.get(0).get("formattedMessage").asText());
    assertThat(m.matches()).as(routed.get(0).toString()).isTrue();
    String shardWriteId = m.group(1) + "/sh1";
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<JsonNode> onPrimary = linesWith(shardLines, requestId);
              assertThat(onPrimary).as("the primary's lines under %s", requestId).hasSize(1);
              assertThat(onPrimary.get(0).get("formattedMessage").asText())
                  .startsWith("write " + shardWriteId + " of 1 rows acknowledged at epoch");
            });
  }

  private HttpResponse<String> write(TestRouter router, long key, String requestId) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(router.url() + "/write"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"data\":[{\"Stud_id\":"
                        + key
                        + ",\"Stud_name\":\"N\",\"Stud_marks\":"
                        + (key % 100)
                        + "}]}"));
    if (requestId != null) {
      b.header(RequestIds.HEADER, requestId);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The JSON lines in {@code lines} whose {@code mdc.requestId} is {@code requestId}. */
  private static List<JsonNode> linesWith(ByteArrayOutputStream lines, String requestId)
      throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode json = JSON.readTree(line);
      if (requestId.equals(json.path("mdc").path("requestId").asText(null))) {
        out.add(json);
      }
    }
    return out;
  }
}
