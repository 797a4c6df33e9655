package io.shardeddb.router.http;

import static io.shardeddb.router.http.ContractErrorsTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.Http;
import io.shardeddb.router.Http.Reply;
import io.shardeddb.router.TestRouter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A standalone router with a configured pool of shard-servers routes only to that pool: a pushed
 * topology naming any other address is refused with 400 naming the first such URL, before the
 * router would send the shard credential there (docs/security.md). Addresses compare by scheme,
 * host (any case) and port (the scheme's default when absent).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneTopologyPushTest {
  static final String TOKEN = "admin-and-data";

  TestRouter server;
  Http http;

  @BeforeAll
  void start() {
    server =
        TestRouter.start(
            TOKEN,
            Map.of(
                "shardeddb.router.topology.source",
                "standalone",
                "shardeddb.router.standalone.shard-servers",
                "http://127.0.0.1:9,HTTP://LocalHost:19/,https://127.0.0.1"));
    http = server.http();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** Two shards, sh1 on {@code url1} and sh2 on {@code url2}, at {@code version}. */
  static String topology(long version, String url1, String url2) {
    return """
        {"database":"students","version":%d,
         "schema":{"table":"students","shardKey":"Stud_id","columns":[
           {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
         "shards":[
           {"id":"sh1","low":0,"size":4096,"epoch":1,"primary":"a",
            "replicas":[{"name":"a","url":"%s","role":"Primary"}]},
           {"id":"sh2","low":4096,"size":4096,"epoch":1,"primary":"b",
            "replicas":[{"name":"b","url":"%s","role":"Primary"}]}],
         "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
        """
        .formatted(version, url1, url2);
  }

  long version() {
    return http.get("/admin/topology").json().get("version").asLong();
  }

  @Test
  void aPushNamingAnAddressOutsideTheConfiguredPoolIsA400NamingIt() {
    long before = version();
    for (String[] c :
        new String[][] {
          {"http://127.0.0.1:7777", "http://127.0.0.1:9", "shards[0].replicas[0].url"},
          {"http://127.0.0.1:9", "http://attacker.example:9", "shards[1].replicas[0].url"},
          {"https://127.0.0.1:9", "http://127.0.0.1:9", "shards[0].replicas[0].url"},
          {"http://127.0.0.1", "http://127.0.0.1:9", "shards[0].replicas[0].url"},
        }) {
      Reply r = http.send("PUT", "/admin/topology", topology(before + 50, c[0], c[1]));
      String bad = c[2].startsWith("shards[0]") ? c[0] : c[1];
      assertFailure(r, 400, c[2] + " '" + bad + "' is not one of the configured shard-servers");
      assertThat(r.message()).contains("shardeddb.router.standalone.shard-servers");
    }
    assertThat(version()).isEqualTo(before);
  }

  @Test
  void aPushNamingOnlyConfiguredAddressesIsInstalledWhateverTheirSpelling() {
    long next = version() + 100;
    Reply r =
        http.send(
            "PUT", "/admin/topology", topology(next, "http://127.0.0.1:9/", "http://localhost:19"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(version()).isEqualTo(next);
    Reply other =
        http.send(
            "PUT",
            "/admin/topology",
            topology(next + 1, "https://127.0.0.1:443", "http://LOCALHOST:19"));
    assertThat(other.status()).as(other.text()).isEqualTo(200);
    assertThat(version()).isEqualTo(next + 1);
  }
}
