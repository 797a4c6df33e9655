package io.shardeddb.router.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web console as the router serves it: the page and its assets open (they hold no data), from
 * the router itself only (CSP), and its status document behind the data token, showing the shards,
 * replicas and the changes the router saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleEndpointTest {
  static final String TOPOLOGY =
      """
      {"database":"students","version":%d,
       "schema":{"table":"students","shardKey":"Stud_id","columns":[
         {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
       "writeQuorum":"Majority",
       "shards":[
         {"id":"sh1","low":0,"size":4096,"epoch":%d,"primary":"%s",
          "replicas":[{"name":"a","url":"http://127.0.0.1:9","role":"Primary"},
                      {"name":"b","url":"http://127.0.0.1:10","role":"Secondary"}]}],
       "servers":{"Server0":["sh1"]}}
      """;

  TestRouter server;
  Http data;
  final HttpClient browser = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    server =
        TestRouter.start(
            "data-token",
            Map.of(
                "shardeddb.router.auth.admin-token",
                "admin-token",
                "shardeddb.router.heartbeat.interval",
                "200ms"));
    data = server.http();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  HttpResponse<String> fetch(String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageAndItsAssetsAreServedWithoutATokenFromTheRouterOnly() throws Exception {
    HttpResponse<String> page = fetch("/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<div id=\"app\"></div>");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(p -> assertThat(p).contains("default-src 'self'"));

    // Every script and style the page names is in the router's jar, under /console/assets/.
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
    List<String> assets = new ArrayList<>();
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertThat(assets).isNotEmpty().allSatisfy(a -> assertThat(a).startsWith("/console/assets/"));
    for (String asset : assets) {
      HttpResponse<String> r = fetch(asset);
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      assertThat(r.body()).as(asset).isNotBlank();
    }
  }

  @Test
  void theStatusTakesTheDataToken() {
    assertThat(data.withToken(null).get("/console/api/status").status()).isEqualTo(401);
    assertThat(data.withToken("admin-token").get("/console/api/status").status()).isEqualTo(401);
    assertThat(data.withToken("wrong").get("/console/api/status").status()).isEqualTo(401);
    assertThat(data.get("/console/api/status").status()).isEqualTo(200);
  }

  @Test
  void theStatusShowsEveryReplicaAndTheFailoverTheRouterSaw() {
    Http admin = data.withToken("admin-token");
    assertThat(admin.send("PUT", "/admin/topology", TOPOLOGY.formatted(1, 1, "a")).status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode s = data.get("/console/api/status").json();
              assertThat(s.get("database").asText()).isEqualTo("students");
              assertThat(s.get("source").asText()).isEqualTo("standalone");
              assertThat(s.get("schema").get("shardKey").asText()).isEqualTo("Stud_id");
              JsonNode shard = s.get("shards").get(0);
              assertThat(shard.get("id").asText()).isEqualTo("sh1");
              assertThat(shard.get("primary").asText()).isEqualTo("a");
              assertThat(shard.get("replicas")).hasSize(2);
              // Nothing listens on those ports: the router's heartbeats say so.
              assertThat(shard.get("replicas").findValuesAsText("health"))
                  .containsExactly("unreachable", "unreachable");
              assertThat(shard.get("replicas").findValuesAsText("role"))
                  .containsExactly("Primary", "Secondary");
              assertThat(s.get("eventsNote").asText()).contains("not Kubernetes");
              assertThat(s.get("events").findValuesAsText("reason")).contains("ShardAdded");
            });

    assertThat(admin.send("PUT", "/admin/topology", TOPOLOGY.formatted(2, 2, "b")).status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode s = data.get("/console/api/status").json();
              JsonNode shard = s.get("shards").get(0);
              assertThat(shard.get("primary").asText()).isEqualTo("b");
              assertThat(shard.get("epoch").asLong()).isEqualTo(2);
              assertThat(shard.get("replicas").findValuesAsText("role"))
                  .containsExactly("Secondary", "Primary");
              assertThat(s.get("events").findValuesAsText("message"))
                  .contains("sh1: primary a (epoch 1) -> b (epoch 2)");
            });
  }
}
