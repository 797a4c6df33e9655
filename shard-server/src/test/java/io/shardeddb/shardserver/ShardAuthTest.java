package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shard credential on a real server: every endpoint but health and metrics answers 401 with a
 * JSON message without it or with a wrong one, accepts every credential of the mounted Secret
 * directory, and follows edits of that directory (a rotation) without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardAuthTest {

  /** Every guarded endpoint, as (method, path). */
  static final List<List<String>> GUARDED =
      List.of(
          List.of("POST", "/config"),
          List.of("GET", "/heartbeat"),
          List.of("GET", "/home"),
          List.of("GET", "/copy"),
          List.of("POST", "/copy"),
          List.of("POST", "/read"),
          List.of("POST", "/write"),
          List.of("PUT", "/update"),
          List.of("DELETE", "/del"),
          List.of("POST", "/role"),
          List.of("POST", "/fence"),
          List.of("POST", "/replicate"),
          List.of("GET", "/log?fromLsn=1&prevEpoch=0&limit=10&replica=x"),
          List.of("GET", "/snapshot"),
          List.of("POST", "/resync"),
          List.of("GET", "/checksum"),
          // An unknown path is refused before routing, so probing learns nothing.
          List.of("GET", "/no-such-endpoint"));

  /** The endpoints a router calls: the data credential is accepted here and nowhere else. */
  static final List<List<String>> DATA =
      List.of(
          List.of("GET", "/heartbeat"),
          List.of("GET", "/home"),
          List.of("POST", "/read"),
          List.of("POST", "/write"),
          List.of("PUT", "/update"),
          List.of("DELETE", "/del"),
          List.of("POST", "/write/batch"),
          List.of("POST", "/read/batch"));

  /** Control and replication endpoints: a router's data credential gets 403 on each. */
  static final List<List<String>> CONTROL =
      List.of(
          List.of("POST", "/config"),
          List.of("GET", "/copy"),
          List.of("POST", "/copy"),
          List.of("POST", "/role"),
          List.of("POST", "/fence"),
          List.of("POST", "/replicate"),
          List.of("GET", "/log?fromLsn=1&prevEpoch=0&limit=10&replica=x"),
          List.of("GET", "/snapshot"),
          List.of("POST", "/resync"),
          List.of("GET", "/checksum"),
          List.of("POST", "/ranges/fence"),
          List.of("POST", "/ranges/adopt"),
          List.of("POST", "/ranges/purge"),
          List.of("POST", "/import"),
          List.of("GET", "/import"),
          List.of("DELETE", "/import"),
          List.of("GET", "/no-such-endpoint"));

  private Path secret;
  private Path dataSecret;
  private Replica server;

  @BeforeAll
  void start() throws Exception {
    secret = Files.createTempDirectory("shard-auth");
    Files.writeString(secret.resolve("token"), "current-credential");
    Files.writeString(secret.resolve("previous"), "previous-credential");
    dataSecret = Files.createTempDirectory("shard-data-auth");
    Files.writeString(dataSecret.resolve("token"), "data-credential");
    server =
        Replica.start(
            "auth-0",
            "auth_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of(
                "shardeddb.auth.credentials-dir",
                secret.toString(),
                "shardeddb.auth.data-credentials-dir",
                dataSecret.toString(),
                "shardeddb.auth.refresh",
                "100ms"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Http.Reply call(List<String> endpoint, String authorization) {
    String method = endpoint.get(0);
    String body = method.equals("GET") ? null : "{}";
    return Http.sendWithAuthorization(method, server.url() + endpoint.get(1), body, authorization);
  }

  @Test
  void everyGuardedEndpointRefusesAMissingOrWrongCredentialWith401AndAJsonMessage() {
    for (List<String> endpoint : GUARDED) {
      for (String wrong :
          new String[] {
            null,
            "Bearer wrong",
            "Bearer current-credentia",
            "current-credential",
            "Basic Y3VycmVudC1jcmVkZW50aWFs"
          }) {
        Http.Reply r = call(endpoint, wrong);
        assertThat(r.status()).as("%s with %s", endpoint, wrong).isEqualTo(401);
        assertThat(r.json().path("status").asText()).isEqualTo("failure");
        assertThat(r.message()).isEqualTo("missing or invalid shard credential");
      }
    }
  }

  @Test
  void everyGuardedEndpointTakesTheCurrentAndThePreviousCredential() {
    for (List<String> endpoint : GUARDED) {
      for (String good : new String[] {"Bearer current-credential", "Bearer previous-credential"}) {
        assertThat(call(endpoint, good).status())
            .as("%s with %s", endpoint, good)
            .isNotEqualTo(401);
      }
    }
  }

  @Test
  void theDataCredentialIsAcceptedOnTheDataEndpointsOnly() {
    for (List<String> endpoint : DATA) {
      assertThat(call(endpoint, "Bearer data-credential").status())
          .as("%s with the data credential", endpoint)
          .isNotIn(401, 403);
    }
    for (List<String> endpoint : CONTROL) {
      Http.Reply r = call(endpoint, "Bearer data-credential");
      assertThat(r.status()).as("%s with the data credential", endpoint).isEqualTo(403);
      assertThat(r.message()).contains("data credential is accepted on the data endpoints only");
      // The shard credential (operator, peers) still gets past the filter there.
      assertThat(call(endpoint, "Bearer current-credential").status())
          .as("%s with the shard credential", endpoint)
          .isNotIn(401, 403);
    }
  }

  @Test
  void healthAndMetricsNeedNoCredential() {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness", "/prometheus")) {
      Http.Reply r = Http.sendWithAuthorization("GET", server.url() + path, null, null);
      assertThat(r.status()).as(path).isNotEqualTo(401);
      if (path.startsWith("/health")) {
        // The status alone: the replica's role, epoch and LSNs are /heartbeat's (a credential).
        assertThat(r.raw()).as(path).doesNotContain("details", "epoch", "appliedLsn", "role");
      }
    }
  }

  @Test
  void aRotationOfTheMountedSecretIsFollowedWithoutARestart() throws Exception {
    List<String> heartbeat = List.of("GET", "/heartbeat");
    // Step 1 of the rotation: the new value is added (accepted before anyone sends it).
    Files.writeString(secret.resolve("next"), "rotated-credential");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(call(heartbeat, "Bearer rotated-credential").status()).isEqualTo(200));
    assertThat(call(heartbeat, "Bearer current-credential").status()).isEqualTo(200);

    // Step 2: it becomes the token; the old one stays accepted while it is listed.
    Files.writeString(secret.resolve("token"), "rotated-credential");
    Files.writeString(secret.resolve("next"), "current-credential");
    Awaitility.await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(call(heartbeat, "Bearer current-credential").status()).isEqualTo(200));

    // Step 3: the old one is removed and refused from then on.
    Files.delete(secret.resolve("next"));
    Files.delete(secret.resolve("previous"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(call(heartbeat, "Bearer current-credential").status()).isEqualTo(401));
    assertThat(call(heartbeat, "Bearer previous-credential").status()).isEqualTo(401);
    assertThat(call(heartbeat, "Bearer rotated-credential").status()).isEqualTo(200);

    // Restore the set the other tests expect.
    Files.writeString(secret.resolve("token"), "current-credential");
    Files.writeString(secret.resolve("previous"), "previous-credential");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(call(heartbeat, "Bearer previous-credential").status()).isEqualTo(200));
  }

  @Test
  void aServerWithAuthOnAndNoCredentialRefusesToStart() {
    assertThatThrownBy(
            () ->
                Replica.start(
                    "auth-open",
                    "auth_" + UUID.randomUUID().toString().substring(0, 8),
                    Map.of("shardeddb.auth.token", "")))
        .hasStackTraceContaining("shardeddb.auth.credentials-dir");
  }
}
