package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The management port (docs/security.md, "Management port"): health and metrics are served there
 * only, health tells an anonymous caller UP or DOWN and nothing of the replica (role, epoch, LSNs),
 * and the API port answers 404 for them whoever asks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["Stud_id","Stud_name","Stud_marks"],
                 "dtypes":["Number","String","String"]},
       "shards":["sh2"], "table":"students", "shardKey":"Stud_id", "low":2048, "size":2048}
      """;
  private static final List<String> HEALTH =
      List.of("/health", "/health/liveness", "/health/readiness");

  /** What the replica's state would show: none of it may reach an anonymous caller. */
  private static final List<String> REPLICA_STATE =
      List.of("role", "Primary", "epoch", "appliedLsn", "lagLsn", "state", "details", "replica");

  private final int managementPort = freePort();
  private Replica server;
  private String management;

  @BeforeAll
  void startAPrimary() {
    server =
        Replica.start(
            "Server0",
            "mgmt_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of("SHARDEDDB_MANAGEMENT_PORT", managementPort));
    management = "http://127.0.0.1:" + managementPort;
    assertThat(Http.post(server.url() + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    Http.Reply r = Http.post(server.url() + "/role", Http.json(role));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void anonymousHealthOnTheManagementPortIsTheStatusAlone() {
    for (String path : HEALTH) {
      Http.Reply r = Http.sendWithAuthorization("GET", management + path, null, null);
      assertThat(r.status()).as(path + ": " + r.raw()).isEqualTo(200);
      assertThat(r.json().path("status").asText()).as(path).isEqualTo("UP");
      assertThat(r.raw()).as(path).doesNotContain(REPLICA_STATE);
    }
  }

  @Test
  void metricsAreServedOnTheManagementPort() {
    Http.Reply r = Http.sendWithAuthorization("GET", management + "/prometheus", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw()).contains("shardeddb_replication_lag");
  }

  @Test
  void theApiPortAnswers404ForHealthAndMetricsWithOrWithoutACredential() {
    for (String path : concat(HEALTH, List.of("/prometheus"))) {
      for (String authorization : new String[] {null, "Bearer " + Http.TOKEN}) {
        Http.Reply r = Http.sendWithAuthorization("GET", server.url() + path, null, authorization);
        assertThat(r.status()).as("%s with %s: %s", path, authorization, r.raw()).isEqualTo(404);
      }
    }
  }

  @Test
  void theManagementPortServesNoApiEndpoint() {
    for (String path : List.of("/heartbeat", "/checksum", "/snapshot")) {
      // The credential check comes first, as on the API port; past it, no such route here.
      Http.Reply anonymous = Http.sendWithAuthorization("GET", management + path, null, null);
      assertThat(anonymous.status()).as("%s: %s", path, anonymous.raw()).isEqualTo(401);
      Http.Reply r =
          Http.sendWithAuthorization("GET", management + path, null, "Bearer " + Http.TOKEN);
      assertThat(r.status()).as("%s with the credential: %s", path, r.raw()).isEqualTo(404);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
