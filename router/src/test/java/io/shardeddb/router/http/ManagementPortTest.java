package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The router's management port (docs/security.md, "Management port"): health and metrics there
 * only, health's status alone for anonymous callers, 404 for them on the API port whoever asks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortTest {
  private static final List<String> OBSERVABILITY =
      List.of("/health", "/health/liveness", "/health/readiness", "/prometheus");

  private final int managementPort = freePort();
  private TestRouter server;
  private Http api;
  private Http management;

  @BeforeAll
  void start() {
    server =
        TestRouter.start(
            "data-token",
            Map.of(
                "shardeddb.router.auth.admin-token",
                "admin-token",
                "SHARDEDDB_MANAGEMENT_PORT",
                managementPort));
    api = server.http();
    management = new Http("http://127.0.0.1:" + managementPort, null);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void anonymousHealthOnTheManagementPortIsTheStatusAlone() {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
      Http.Reply r = management.get(path);
      assertThat(r.status()).as(path + ": " + r.text()).isIn(200, 503);
      assertThat(r.json().path("status").asText()).as(path).isIn("UP", "DOWN");
      // The router serializes nulls ("details":null); no detail has a value.
      assertThat(r.json().path("details").size()).as(path + ": " + r.text()).isZero();
      assertThat(r.text()).as(path).doesNotContain("topologyVersion", "problems");
    }
    assertThat(management.get("/prometheus").status()).isEqualTo(200);
  }

  @Test
  void theApiPortAnswers404ForHealthAndMetricsWithOrWithoutAToken() {
    for (String path : OBSERVABILITY) {
      for (Http client : List.of(api, api.withToken(null), api.withToken("admin-token"))) {
        Http.Reply r = client.get(path);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(404);
      }
    }
  }

  @Test
  void theManagementPortServesNoApiEndpoint() {
    assertThat(management.get("/status").status()).isEqualTo(401);
    assertThat(management.withToken("data-token").get("/status").status()).isEqualTo(404);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
