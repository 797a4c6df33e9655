package io.shardeddb.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.RemoveRequest;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RouterClient} (the CLI's and tools' client) puts on the wire — pinned from the client
 * before it moved onto {@link ServerCalls}, so the move changed nothing a router sees — and how a
 * router's failure reaches its caller.
 */
class RouterClientWireTest {
  private final WireRecorder router;

  RouterClientWireTest() throws Exception {
    router = new WireRecorder();
  }

  @AfterEach
  void stop() {
    router.close();
  }

  private static void quietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      // The recorder answers {} to everything; only the request matters here.
    }
  }

  @Test
  void everyCallSendsWhatItAlwaysSent() {
    RouterClient client = new RouterClient(router.url() + "/", "tok", "Stud_id");
    quietly(() -> client.status());
    quietly(() -> client.write(List.of(Map.of("Stud_id", 7))));
    quietly(() -> client.read(1, 5));
    quietly(() -> client.read(1, 5, ReadConsistency.SESSION, "s1"));
    quietly(() -> client.update(7, Map.of("Stud_name", "x")));
    quietly(() -> client.delete(7));
    quietly(() -> client.add(new AddRequest(0, List.of(), Map.of())));
    quietly(() -> client.remove(new RemoveRequest(0, List.of())));
    new RouterClient(router.url(), null, "Stud_id").read(2, 2);

    router.requests.forEach(System.out::println);
    assertThat(router.requests)
        .containsExactly(
            "GET /status {accept=application/json, authorization=Bearer tok, content-length=0}",
            "POST /write {accept=application/json, authorization=Bearer tok, content-length=24, content-type=application/json} {\"data\":[{\"Stud_id\":7}]}",
            "POST /read {accept=application/json, authorization=Bearer tok, content-length=30, content-type=application/json} {\"Stud_id\":{\"high\":5,\"low\":1}}",
            "POST /read {accept=application/json, authorization=Bearer tok, content-length=69, content-type=application/json} {\"Stud_id\":{\"high\":5,\"low\":1},\"consistency\":\"session\",\"session\":\"s1\"}",
            "PUT /update {accept=application/json, authorization=Bearer tok, content-length=38, content-type=application/json} {\"Stud_id\":7,\"data\":{\"Stud_name\":\"x\"}}",
            "DELETE /del {accept=application/json, authorization=Bearer tok, content-length=13, content-type=application/json} {\"Stud_id\":7}",
            "POST /add {accept=application/json, authorization=Bearer tok, content-length=36, content-type=application/json} {\"n\":0,\"new_shards\":[],\"servers\":{}}",
            "DELETE /rm {accept=application/json, authorization=Bearer tok, content-length=20, content-type=application/json} {\"n\":0,\"servers\":[]}",
            "POST /read {accept=application/json, content-length=30, content-type=application/json} {\"Stud_id\":{\"high\":2,\"low\":2}}");
  }

  @Test
  void aFailureReplyBecomesARouterExceptionWithTheRoutersMessage() {
    router.status = 409;
    router.reply = "{\"message\":\"duplicate key 7\",\"status\":\"failure\"}";
    RouterClient client = new RouterClient(router.url(), "tok", "Stud_id");

    assertThatThrownBy(() -> client.write(List.of(Map.of("Stud_id", 7))))
        .isInstanceOfSatisfying(
            RouterException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.reason()).isEqualTo("duplicate key 7");
              assertThat(e.getMessage()).isEqualTo("HTTP 409: duplicate key 7");
            });
  }

  @Test
  void aFailureReplyThatIsNotJsonIsQuotedAsItCame() {
    router.status = 502;
    router.reply = "Bad Gateway";
    RouterClient client = new RouterClient(router.url(), null, "Stud_id");

    assertThatThrownBy(client::status)
        .isInstanceOfSatisfying(
            RouterException.class, e -> assertThat(e.reason()).isEqualTo("Bad Gateway"));
  }

  @Test
  void noAnswerIsAnUncheckedIoExceptionNamingTheRouter() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    RouterClient client = new RouterClient(url, null, "Stud_id", Duration.ofSeconds(2));

    assertThatThrownBy(client::status)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("router " + url);
  }
}
