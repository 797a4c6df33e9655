package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shard key's name comes from the schema: a table keyed by emp_no is read by emp_no. */
class ShardKeyNameTest {

  @Test
  void requestsNameTheSchemasShardKeyNotStudId() {
    try (TestRouter router = TestRouter.start(null, Map.of())) {
      Http http = router.http();
      Http.Reply pushed =
          http.send(
              "PUT",
              "/admin/topology",
              """
              {"database":"staff","version":1,
               "schema":{"table":"staff","shardKey":"emp_no","columns":[
                 {"name":"name","type":"String"},{"name":"emp_no","type":"Number"}]},
               "shards":[{"id":"s1","low":0,"size":100,"epoch":1,"primary":"a",
                 "replicas":[{"name":"a","url":"http://127.0.0.1:9","role":"Primary"}]}],
               "servers":{"Server0":["s1"]}}
              """);
      assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);

      Http.Reply read = http.send("POST", "/read", "{\"Stud_id\":{\"low\":1,\"high\":2}}");
      assertThat(read.status()).isEqualTo(400);
      assertThat(read.message()).contains("'Stud_id'").contains("emp_no");

      Http.Reply del = http.send("DELETE", "/del", "{\"emp_no\":\"500\"}");
      assertThat(del.status()).isEqualTo(404);
      assertThat(del.message()).contains("emp_no:500");

      Http.Reply status = http.get("/status");
      assertThat(status.json().get("schema").get("columns").get(1).asText()).isEqualTo("emp_no");
    }
  }
}
