package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
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
  TestRouter server;
  Http data;
  Http admin;

  @BeforeAll
  void start() {
    server =
        TestRouter.start("data-token", Map.of("shardeddb.router.auth.admin-token", "admin-token"));
    data = server.http();
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
