package io.shardeddb.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request building and failure mapping the blocking server clients share. */
class ServerCallsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WireRecorder server;
  private final List<URI> clientsAsked = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  ServerCallsTest() throws Exception {
    server = new WireRecorder();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Failures as plain ServerCallExceptions whose message says which way the call failed. */
  private static final class Plain implements ServerCalls.Failures {
    @Override
    public RuntimeException refused(HttpRequest request, int status, String reason, String body) {
      return new ServerCallException("refused " + body, status, reason, null);
    }

    @Override
    public RuntimeException unanswered(HttpRequest request, IOException cause) {
      return new ServerCallException("unanswered", ServerCallException.NO_ANSWER, null, cause);
    }

    @Override
    public RuntimeException interrupted(HttpRequest request, InterruptedException cause) {
      return new ServerCallException("interrupted", ServerCallException.NO_ANSWER, null, cause);
    }

    @Override
    public RuntimeException unreadable(Class<?> type, String body, IOException cause) {
      return new ServerCallException("unreadable " + type.getSimpleName(), 0, null, cause);
    }

    @Override
    public RuntimeException unwritable(String path, IOException cause) {
      return new ServerCallException("unwritable " + path, 0, null, cause);
    }
  }

  private ServerCalls calls(String authorization) {
    return new ServerCalls(
        JSON,
        Duration.ofSeconds(5),
        uri -> {
          clientsAsked.add(uri);
          return http;
        },
        base -> authorization,
        new Plain());
  }

  @Test
  void aPathJoinsItsBaseUrlWithExactlyOneSlash() {
    assertThat(ServerCalls.uri("http://a:8081", "/heartbeat"))
        .hasToString("http://a:8081/heartbeat");
    assertThat(ServerCalls.uri("http://a:8081/", "/heartbeat"))
        .hasToString("http://a:8081/heartbeat");
    assertThat(ServerCalls.uri("http://a:8080/", "status")).hasToString("http://a:8080/status");
    assertThat(ServerCalls.uri("http://a/api", "import?moveId=m+1"))
        .hasToString("http://a/api/import?moveId=m+1");
  }

  @Test
  void aBearerTokenBecomesTheHeaderAndNoneOrABlankOneNoHeader() {
    assertThat(ServerCalls.bearer("t")).isEqualTo("Bearer t");
    assertThat(ServerCalls.bearer(null)).isNull();
    assertThat(ServerCalls.bearer("  ")).isNull();
  }

  @Test
  void theServersMessageIsItsJsonMessageOrTheBodyAsItCame() {
    assertThat(ServerCalls.reason(JSON, "{\"message\":\"not primary: a1\",\"status\":\"failure\"}"))
        .isEqualTo("not primary: a1");
    assertThat(ServerCalls.reason(JSON, "{\"message\":{\"field\":\"x\"}}"))
        .isEqualTo("{\"field\":\"x\"}");
    assertThat(ServerCalls.reason(JSON, "{\"error\":\"x\"}")).isEqualTo("{\"error\":\"x\"}");
    assertThat(ServerCalls.reason(JSON, "Service Unavailable")).isEqualTo("Service Unavailable");
  }

  @Test
  void requestsCarryTheDeadlineTheCredentialAndJsonHeadersAndGoThroughTheClientForTheirUrl() {
    ServerCalls calls = calls("Bearer s3cret");
    calls.send(calls.get(server.url(), "/heartbeat"));
    calls.send(calls.delete(server.url(), "/import?moveId=m1"));
    calls.send(calls.request("POST", server.url(), "/config", Map.of("shards", List.of("sh1"))));
    calls.send(calls.request("GET", server.url(), "/status", null));

    assertThat(server.requests)
        .containsExactly(
            "GET /heartbeat {accept=application/json, authorization=Bearer s3cret}",
            "DELETE /import?moveId=m1 {accept=application/json, authorization=Bearer s3cret}",
            "POST /config {accept=application/json, authorization=Bearer s3cret,"
                + " content-length=18, content-type=application/json} {\"shards\":[\"sh1\"]}",
            "GET /status {accept=application/json, authorization=Bearer s3cret,"
                + " content-length=0}");
    assertThat(clientsAsked).hasSize(4).allMatch(u -> u.getPort() > 0);
    assertThat(calls.get(server.url(), "/heartbeat").timeout()).contains(Duration.ofSeconds(5));
    assertThat(ServerCalls.within(calls.get(server.url(), "/x"), Duration.ofSeconds(9)).timeout())
        .contains(Duration.ofSeconds(9));
  }

  @Test
  void aNon2xxAnswerIsRefusedWithItsStatusAndTheServersMessage() {
    server.status = 421;
    server.reply = "{\"message\":\"range [0, 10) is not owned here\",\"status\":\"failure\"}";
    ServerCalls calls = calls(null);

    assertThatThrownBy(() -> calls.send(calls.get(server.url(), "/read")))
        .isInstanceOfSatisfying(
            ServerCallException.class,
            e -> {
              assertThat(e.status()).isEqualTo(421);
              assertThat(e.answered()).isTrue();
              assertThat(e.reason()).isEqualTo("range [0, 10) is not owned here");
              assertThat(e.getMessage()).isEqualTo("refused " + server.reply);
            });
  }

  @Test
  void anAnswerThatIsNotTheExpectedJsonIsUnreadable() {
    server.reply = "not json";
    ServerCalls calls = calls(null);

    assertThatThrownBy(() -> calls.send(calls.get(server.url(), "/checksum"), Map.class))
        .isInstanceOfSatisfying(
            ServerCallException.class, e -> assertThat(e.getMessage()).isEqualTo("unreadable Map"));
  }

  @Test
  void anInterruptedCallKeepsTheThreadsInterruptFlag() {
    ServerCalls calls = calls(null);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> calls.send(calls.get(server.url(), "/heartbeat")))
          .isInstanceOfSatisfying(
              ServerCallException.class,
              e -> assertThat(e.getMessage()).isIn("interrupted", "unanswered"));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void acceptIsChosenPerCallAndNoneSendsNoHeader() throws Exception {
    ServerCalls calls = calls(null);
    calls.exchange(calls.builder(server.url(), "/snapshot", ServerCalls.NDJSON).GET().build());
    calls.exchange(calls.builder(server.url(), "/raw", null).GET().build());

    assertThat(server.requests)
        .containsExactly("GET /snapshot {accept=application/x-ndjson}", "GET /raw {}");
  }

  /** A caller's checked refusal, as the peers' PeerRefusal. */
  private static final class Refused extends IOException {
    final int status;
    final String epoch;

    Refused(ServerCalls.Answer a, String message) {
      super(message);
      this.status = a.status();
      this.epoch = a.header("X-Epoch").orElse(null);
    }
  }

  @Test
  void aRefusalGivesTheCallerTheWholeAnswerStatusHeadersAndMessage() {
    server.status = 409;
    server.reply = "{\"message\":\"stale epoch\"}";
    server.replyHeaders = Map.of("X-Epoch", "5");
    ServerCalls calls = calls(null);

    assertThatThrownBy(
            () ->
                calls.answer(calls.get(server.url(), "/log"), a -> new Refused(a, calls.reason(a))))
        .isInstanceOfSatisfying(
            Refused.class,
            r -> {
              assertThat(r.status).isEqualTo(409);
              assertThat(r.epoch).isEqualTo("5");
              assertThat(r.getMessage()).isEqualTo("stale epoch");
            });
    assertThatThrownBy(
            () ->
                calls
                    .answerAsync(calls.get(server.url(), "/log"), a -> new Refused(a, "async"))
                    .join())
        .cause()
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.epoch).isEqualTo("5"));
  }

  @Test
  void anAnswerIsReadWithTheCallersCodecAndAsyncCallsGiveItWhateverTheStatus() {
    server.reply = "{\"n\":1}";
    ServerCalls.Codec counting =
        new ServerCalls.Codec() {
          @Override
          public byte[] write(Object value) {
            return ("\"" + value + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
          }

          @Override
          public <T> T read(byte[] body, Class<T> type) {
            return type.cast("read " + body.length + " bytes");
          }

          @Override
          public String message(byte[] body) {
            return null;
          }
        };
    ServerCalls calls =
        new ServerCalls(counting, Duration.ofSeconds(5), uri -> http, base -> null, new Plain());

    ServerCalls.Answer a =
        calls.exchangeAsync(calls.request("POST", server.url(), "/x", "v")).join();

    assertThat(calls.read(a, String.class)).isEqualTo("read 7 bytes");
    assertThat(server.requests)
        .containsExactly(
            "POST /x {accept=application/json, content-length=3, content-type=application/json}"
                + " \"v\"");
    server.status = 503;
    assertThat(calls.exchangeAsync(calls.get(server.url(), "/x")).join().status()).isEqualTo(503);
  }

  @Test
  void linesStreamA2xxBodyAndGiveARefusalItsFirstLines() throws Exception {
    server.reply = "{\"a\":1}\n{\"b\":2}\n";
    ServerCalls calls = calls(null);
    try (var lines =
        calls.lines(
            calls.builder(server.url(), "/snapshot", ServerCalls.NDJSON).GET().build(),
            a -> new Refused(a, a.text()))) {
      assertThat(lines.toList()).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    server.status = 421;
    server.reply = "1\n2\n3\n4\n5\n6\n7";
    assertThatThrownBy(
            () ->
                calls.lines(
                    calls.builder(server.url(), "/snapshot", ServerCalls.NDJSON).GET().build(),
                    a -> new Refused(a, a.text())))
        .isInstanceOfSatisfying(
            Refused.class,
            r -> {
              assertThat(r.status).isEqualTo(421);
              assertThat(r.getMessage()).isEqualTo("1\n2\n3\n4\n5");
            });
  }
}
