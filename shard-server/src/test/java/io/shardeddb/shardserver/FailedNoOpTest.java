package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new primary's term no-op whose append fails on a storage error (the connection reset before the
 * statement ran: nothing written) is appended again, with no client write to carry it: the term is
 * confirmed and the primary's committed position known (found by the move simulator, {@code
 * MoveSimulationTest.aNoOpLostToAStorageErrorIsAppendedAgain}; here on a real shard-server and
 * MariaDB).
 */
class FailedNoOpTest {
  private Replica replica;

  @AfterEach
  void stop() {
    if (replica != null) {
      replica.close();
    }
  }

  @Test
  void aPrimaryWhoseNoOpFailedConfirmsItsTermWithoutAnyWrite() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String database = "noop_" + id;
    replica =
        Replica.start(
            "noop-" + id,
            database,
            Map.of(
                "shardeddb.storage.jdbc-properties",
                "queryInterceptors=" + LostCommitReply.class.getName()));
    Http.Reply reply = Http.post(replica.url() + "/config", ThreeReplicaShard.CONFIG);
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    LostCommitReply.failNextAppend(database);
    replica.assignSolePrimary();

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(LostCommitReply::appendFailed);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode quorum = heartbeat(replica).path("quorum");
              assertThat(quorum.path("termCommitted").asBoolean())
                  .as("the term is confirmed: %s", quorum)
                  .isTrue();
              assertThat(quorum.path("committedLsn").asLong()).isPositive();
            });
  }
}
