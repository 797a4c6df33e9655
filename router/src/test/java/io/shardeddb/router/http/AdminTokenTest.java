package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.router.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With {@code shardeddb.router.auth.admin-token} set, the data token opens only the data endpoints
 * and the admin token only the admin ones ({@code /init}, {@code /add}, {@code /rm}, {@code
 * /admin/**}); without it the data token opens both (ContractErrorsTest).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminTokenTest {
  EmbeddedServer server;
  Http data;
  Http admin;

  @BeforeAll
  void start() {
    server =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.host", "127.0.0.1",
                "micronaut.server.port", -1,
                "shardeddb.router.auth.token", "data-token",
                "shardeddb.router.auth.admin-token", "admin-token"));
    data = new Http("http://127.0.0.1:" + server.getPort(), "data-token");
    admin = data.withToken("admin-token");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theDataTokenOpensTheDataEndpointsOnly() {
    assertThat(data.send("POST", "/read", "{\"id\":{\"low\":1,\"high\":2}}").status())
        .isEqualTo(409);
    assertThat(data.get("/status").status()).isEqualTo(200);
    assertThat(data.get("/admin/topology").status()).isEqualTo(401);
    assertThat(data.send("PUT", "/admin/topology", "{}").status()).isEqualTo(401);
    assertThat(data.send("POST", "/init", "{}").status()).isEqualTo(401);
    assertThat(data.send("POST", "/add", "{}").status()).isEqualTo(401);
    assertThat(data.send("DELETE", "/rm", "{}").status()).isEqualTo(401);
    assertThat(data.send("POST", "/init/", "{}").status()).isEqualTo(401);
  }

  @Test
  void theAdminTokenOpensTheAdminEndpointsOnly() {
    assertThat(admin.get("/admin/topology").status()).isEqualTo(200);
    assertThat(admin.send("POST", "/add", "{\"n\":\"x\"}").status()).isEqualTo(400);
    assertThat(admin.send("POST", "/read", "{\"id\":{\"low\":1,\"high\":2}}").status())
        .isEqualTo(401);
    assertThat(admin.send("POST", "/write", "{\"data\":[]}").status()).isEqualTo(401);
  }
}
