package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Start-up settings: the documented switch turns auth off for legacy clients; with auth on a token
 * is required, and the topology source must be one the router knows.
 */
class StartupSettingsTest {

  @Test
  void withAuthDisabledLegacyClientsNeedNoToken() {
    try (TestRouter server = TestRouter.start(null, Map.of())) {
      Http anonymous = server.http();
      Http.Reply status = anonymous.get("/status");
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.json().get("N").asInt()).isZero();
      assertThat(anonymous.get("/health/readiness").status())
          .as("a standalone router awaiting /init is ready")
          .isEqualTo(200);
    }
  }

  @Test
  void anUnknownTopologySourceStopsTheRouterAtStart() {
    assertThatThrownBy(
            () ->
                ApplicationContext.run(
                    EmbeddedServer.class,
                    TestRouter.settings(null, Map.of("shardeddb.router.topology.source", "etcd"))))
        .hasStackTraceContaining("must be kubernetes, file or standalone, not 'etcd'");
  }

  @Test
  void withAuthEnabledTheRouterRefusesToStartWithoutAToken() {
    assertThatThrownBy(
            () ->
                ApplicationContext.run(
                    EmbeddedServer.class,
                    Map.of("micronaut.server.host", "127.0.0.1", "micronaut.server.port", -1)))
        .hasStackTraceContaining("shardeddb.router.auth.token");
  }
}
