package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the file source the router routes by a Topology JSON file and follows edits to it without a
 * restart; the admin endpoints point at the file instead of changing anything.
 */
class FileTopologySourceTest {
  static String topology(String primary) {
    return """
        {"database":"students","version":1,
         "schema":{"table":"students","shardKey":"Stud_id","columns":[
           {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
         "shards":[{"id":"sh1","low":0,"size":4096,"epoch":1,"primary":"PRIMARY",
           "replicas":[{"name":"a","url":"http://127.0.0.1:9","role":"Primary"},
                       {"name":"b","url":"http://127.0.0.1:9","role":"Secondary"}]}],
         "servers":{"Server0":["sh1"],"Server1":["sh1"]}}
        """
        .replace("PRIMARY", primary);
  }

  @Test
  void theRouterFollowsEditsToItsTopologyFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("topology.json");
    Files.writeString(file, topology("a"));
    try (TestRouter router =
        TestRouter.start(
            null,
            Map.of(
                "shardeddb.router.topology.source",
                "file",
                "shardeddb.router.topology.file",
                file.toString(),
                "shardeddb.router.topology.file-poll",
                "100ms"))) {
      Http http = router.http();
      assertThat(http.get("/admin/topology").json().get("shards").get(0).get("primary").asText())
          .isEqualTo("a");
      assertThat(http.get("/status").json().get("N").asInt()).isEqualTo(2);

      assertThat(http.send("POST", "/init", "{}").status()).isEqualTo(409);
      Http.Reply add = http.send("POST", "/add", "{\"n\":1,\"servers\":{\"Server2\":[\"sh1\"]}}");
      assertThat(add.status()).isEqualTo(409);
      assertThat(add.message()).contains("edit that file");

      Files.writeString(file, topology("b"));
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          http.get("/admin/topology")
                              .json()
                              .get("shards")
                              .get(0)
                              .get("primary")
                              .asText())
                      .isEqualTo("b"));
      assertThat(http.get("/admin/topology").json().get("version").asLong()).isEqualTo(2);
    }
  }
}
