package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The open paths (health, metrics, the OpenAPI document) are matched exactly: no spelling of a
 * guarded path that starts like an open one — dot segments, encoded slashes, doubled slashes —
 * reaches a guarded endpoint without a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenPathsTest {
  TestRouter server;
  Http anonymous;

  @BeforeAll
  void start() {
    server =
        TestRouter.start("data-token", Map.of("shardeddb.router.auth.admin-token", "admin-token"));
    anonymous = server.http().withToken(null);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void noSpellingOfAGuardedPathBehindAnOpenPrefixIsServedWithoutAToken() {
    List<String> sneaky =
        List.of(
            "/health/../admin/topology",
            "/health/..%2Fadmin%2Ftopology",
            "/health/..%2fadmin/topology",
            "/health%2F..%2Fadmin%2Ftopology",
            "/swagger/../admin/topology",
            "/swagger/..%2F..%2Fadmin%2Ftopology",
            "/swagger/%2E%2E/admin/topology",
            "//admin/topology",
            "/health/liveness/../../status",
            "/prometheus/../status",
            "/health;/../admin/topology",
            "/console/../status",
            "/console/assets/../../admin/topology",
            "/console/assets/..%2F..%2Fadmin%2Ftopology",
            "/console/api/status",
            "/console/assets/../api/status");
    for (String path : sneaky) {
      Http.Reply r = anonymous.get(path);
      assertThat(r.status()).as(path).isNotEqualTo(200).isNotEqualTo(500);
      assertThat(r.text()).as(path).doesNotContain("shards").doesNotContain("\"N\"");
    }
  }

  @Test
  void theAssignmentsTestAndFaviconAnswerAnEmpty204WithoutAToken() {
    for (String path : List.of("/test", "/favicon.ico")) {
      Http.Reply r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(204);
      assertThat(r.text()).as(path).isEmpty();
    }
  }

  @Test
  void onlyExactOpenPathsAreOpen() {
    assertThat(AuthFilter.isOpen("/health/liveness")).isTrue();
    assertThat(AuthFilter.isOpen("/swagger/shardeddb-router-0.1.yml")).isTrue();
    assertThat(AuthFilter.isOpen("/console/")).isTrue();
    assertThat(AuthFilter.isOpen("/console/assets/index-BF2r8xqe.js")).isTrue();
    for (String path :
        List.of(
            "/health/",
            "/health/../admin/topology",
            "/health/x",
            "/swagger/",
            "/swagger/../admin",
            "/swagger/..%2Fadmin",
            "/swagger/a/b",
            "/swagger/.hidden",
            "/prometheus/x",
            "/console/api/status",
            "/console/assets/../api/status",
            "/console/assets/a/b",
            "/console/x.html")) {
      assertThat(AuthFilter.isOpen(path)).as(path).isFalse();
    }
  }

  @Test
  void theOpenPathsStayOpen() {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness", "/prometheus")) {
      assertThat(anonymous.get(path).status()).as(path).isNotEqualTo(401);
    }
  }
}
