package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardReadResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The request the router's shard client builds for a range read of a SQL statement: the time its
 * statement deadline leaves, as {@code timeoutMs} in the {@code /read} body, so the shard-server
 * bounds its SQL by it ({@code ReadDeadlineTest} there); none outside a statement; and no request
 * at all once the deadline passed. Against a stand-in shard-server over real HTTP that records each
 * body.
 */
class ShardServerClientDeadlineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private ApplicationContext context;
  private ShardServerClient client;
  private String url;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/read",
        ex -> {
          bodies.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
          byte[] body =
              "{\"data\":[],\"status\":\"success\",\"count\":0}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
    context =
        ApplicationContext.run(
            Map.of(
                "shardeddb.router.auth.enabled", "false",
                "shardeddb.router.shard-transport", "http"));
    client = context.getBean(ShardServerClient.class);
  }

  @AfterEach
  void stop() {
    context.close();
    server.stop(0);
  }

  private Mono<ShardReadResponse> scan() {
    ReadFilter filter =
        ReadFilter.fromWire(Map.of("op", ">=", "column", "marks", "values", List.of(0)));
    return client.read(
        url,
        "sh1",
        null,
        "Stud_id",
        0,
        4095,
        ReadConsistency.PRIMARY,
        null,
        null,
        null,
        0,
        filter,
        true);
  }

  @Test
  void aReadOfAStatementSendsTheTimeItsDeadlineLeaves() {
    ReadDeadline.within(scan(), Duration.ofMillis(2000), System::nanoTime)
        .block(Duration.ofSeconds(30));
    assertThat(bodies).singleElement();
    JsonNode sent = bodies.get(0);
    assertThat(sent.path("count").asBoolean()).isTrue();
    assertThat(sent.has(ShardEndpoints.TIMEOUT_FIELD)).as(sent.toString()).isTrue();
    assertThat(sent.get(ShardEndpoints.TIMEOUT_FIELD).asLong()).isBetween(1000L, 2000L);

    // Half a second into the statement, half a second less.
    ReadDeadline.within(
            Mono.delay(Duration.ofMillis(500)).then(Mono.defer(this::scan)),
            Duration.ofMillis(2000),
            System::nanoTime)
        .block(Duration.ofSeconds(30));
    assertThat(bodies.get(1).get(ShardEndpoints.TIMEOUT_FIELD).asLong()).isBetween(1L, 1500L);
  }

  @Test
  void aReadOutsideAStatementSendsNoDeadline() {
    scan().block(Duration.ofSeconds(30));
    assertThat(bodies).singleElement();
    assertThat(bodies.get(0).has(ShardEndpoints.TIMEOUT_FIELD)).isFalse();
  }

  @Test
  void onceTheDeadlinePassedNothingIsAskedAndTheReadFailsAsPastItsDeadline() {
    assertThatThrownBy(
            () ->
                ReadDeadline.within(
                        Mono.delay(Duration.ofMillis(50)).then(Mono.defer(this::scan)),
                        Duration.ofMillis(1),
                        System::nanoTime)
                    .block(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            ShardServerException.class,
            e -> {
              assertThat(e.status()).isEqualTo(ShardEndpoints.DEADLINE_PASSED);
              assertThat(e.retriable()).isFalse();
            })
        .hasMessageContaining("deadline passed before shard sh1 was asked");
    assertThat(bodies).isEmpty();
  }
}
