package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A reader that goes away in the middle of a streamed {@code /snapshot} (a secondary whose copy was
 * cancelled by a failover) must not leave its connection, with a streaming result still open, in
 * the pool: every later statement on that connection would fail and the shard would answer "storage
 * unavailable" to writes (seen in FailoverIT).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbandonedSnapshotTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["Stud_id","Stud_name"],"dtypes":["Number","String"]},
       "shards":["sh1"], "table":"students", "shardKey":"Stud_id", "low":0, "size":100000}
      """;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Replica server;
  private String url;

  @BeforeAll
  void startServer() {
    server = Replica.start("Server0", "abandon_" + UUID.randomUUID().toString().substring(0, 8));
    url = server.url();
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    assertThat(Http.post(url + "/role", Http.json(role)).status()).isEqualTo(200);
    String filler = "y".repeat(200);
    for (int w = 0; w < 20; w++) {
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        int id = w * 500 + i;
        rows.append(rows.isEmpty() ? "" : ",")
            .append("{\"Stud_id\":")
            .append(id)
            .append(",\"Stud_name\":\"")
            .append(filler)
            .append("\"}");
      }
      Http.Reply r = Http.post(url + "/write", "{\"shard\":\"sh1\",\"data\":[" + rows + "]}");
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  @Test
  void readersThatLeaveMidSnapshotLeaveTheShardWritable() throws Exception {
    // More abandoned streams than the pool has connections: a leaked one would be handed out.
    for (int i = 0; i < 24; i++) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url + "/snapshot"))
              .header("Authorization", "Bearer " + Http.TOKEN)
              .timeout(Duration.ofSeconds(30))
              .GET()
              .build();
      HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(resp.statusCode()).isEqualTo(200);
      try (InputStream in = resp.body()) {
        assertThat(in.readNBytes(4096)).hasSize(4096);
      }
      Http.Reply w =
          Http.post(
              url + "/write",
              "{\"shard\":\"sh1\",\"data\":[{\"Stud_id\":"
                  + (50_000 + i)
                  + ",\"Stud_name\":\"n\"}]}");
      assertThat(w.status()).as("write after abandoned snapshot %d: %s", i, w.raw()).isEqualTo(200);
    }
    Http.Reply read =
        Http.post(url + "/read", "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":50000,\"high\":50100}}");
    assertThat(read.status()).as(read.raw()).isEqualTo(200);
    assertThat(read.json().get("data")).hasSize(24);
    assertThat(Map.of("checksum", Http.get(url + "/checksum").status()))
        .containsEntry("checksum", 200);
  }
}
