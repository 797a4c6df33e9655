package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A transaction on one shard ({@code POST /txn}, docs/log-format.md "Transaction entries"): its
 * inserts, updates and deletes commit as one Txn log entry on three replicas over MariaDB — all of
 * them on every copy, or, when one step cannot apply, none of them anywhere — and a retry with its
 * request id gets the first outcome without applying it twice.
 */
class TransactionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private ThreeReplicaShard shard;

  @BeforeEach
  void startShard() {
    shard = new ThreeReplicaShard();
    shard.assignAll(1, 0);
    ThreeReplicaShard.awaitReady(shard);
  }

  @AfterEach
  void stopShard() {
    shard.close();
  }

  private static String txn(String requestId, String... steps) {
    return "{\"shard\":\"sh1\",\"requestId\":\""
        + requestId
        + "\",\"steps\":["
        + String.join(",", steps)
        + "]}";
  }

  private static String insert(long key) {
    return "{\"op\":\"Write\",\"row\":" + ThreeReplicaShard.row(key) + "}";
  }

  private static String update(long key, int marks) {
    return "{\"op\":\"Update\",\"key\":" + key + ",\"row\":{\"Stud_marks\":" + marks + "}}";
  }

  private static String delete(long key) {
    return "{\"op\":\"Delete\",\"key\":" + key + "}";
  }

  @Test
  @DisplayName("a transaction's changes land together on every copy, or not at all")
  void allOrNothingOnEveryCopy() {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 5).status()).isEqualTo(200);

    Http.Reply ok =
        Http.post(
            primary.url() + "/txn",
            txn("t-1", insert(10), update(1, 99), delete(2), update(10, 42), delete(3)));
    assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    assertThat(ok.raw()).contains("Transaction committed (5 changes)");
    long lsn = ok.json().get("lsn").asLong();
    assertThat(keys(primary, 0, 100)).containsExactly(0L, 1L, 4L, 10L);

    // One step that cannot apply (key 2 was deleted above): nothing of it anywhere, 404 naming it.
    Http.Reply refused =
        Http.post(primary.url() + "/txn", txn("t-2", insert(11), delete(4), update(2, 5)));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(404);
    assertThat(refused.raw()).contains("Stud_id:2");
    // An insert of a held key: 409, nothing of it.
    Http.Reply duplicate = Http.post(primary.url() + "/txn", txn("t-3", delete(4), insert(0)));
    assertThat(duplicate.status()).as(duplicate.raw()).isEqualTo(409);
    assertThat(keys(primary, 0, 100)).containsExactly(0L, 1L, 4L, 10L);

    // A retry of the committed one gets its first answer and applies nothing again.
    Http.Reply retry =
        Http.post(
            primary.url() + "/txn",
            txn("t-1", insert(10), update(1, 99), delete(2), update(10, 42), delete(3)));
    assertThat(retry.status()).as(retry.raw()).isEqualTo(200);
    assertThat(retry.json().get("lsn").asLong()).isEqualTo(lsn);

    // Malformed steps are a 400 naming the step; nothing written.
    Http.Reply bad =
        Http.post(primary.url() + "/txn", txn("t-4", insert(12), "{\"op\":\"Update\"}"));
    assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
    assertThat(bad.raw()).contains("steps[1]");
    Http.Reply unknown =
        Http.post(
            primary.url() + "/txn",
            txn("t-5", "{\"op\":\"Write\",\"row\":{\"Stud_id\":13,\"nope\":1}}"));
    assertThat(unknown.status()).as(unknown.raw()).isEqualTo(400);
    assertThat(unknown.raw()).contains("steps[0]").contains("nope");

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    JsonRows rows = new JsonRows(shard.get(1));
    assertThat(rows.marks(1)).isEqualTo(99);
    assertThat(rows.marks(10)).isEqualTo(42);
    assertThat(keys(shard.get(2), 0, 100)).containsExactly(0L, 1L, 4L, 10L);

    // A secondary refuses it like any write.
    Http.Reply onSecondary = Http.post(shard.get(1).url() + "/txn", txn("t-6", insert(20)));
    assertThat(onSecondary.status()).as(onSecondary.raw()).isEqualTo(409);
  }

  @Test
  @DisplayName("a replica re-copied from a snapshot and one restarted replay transactions alike")
  void restartedAndWipedReplicasAgree() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 10).status()).isEqualTo(200);
    shard.get(1).stop();
    for (int i = 0; i < 5; i++) {
      Http.Reply ok =
          Http.post(
              primary.url() + "/txn",
              txn("r-" + i, insert(100 + i), update(i, 50 + i), delete(9 - i)));
      assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    }
    shard.get(1).start();
    shard.get(2).stop();
    ThreeReplicaShard.wipe(shard.get(2));
    shard.get(2).start();
    shard.assign(1, 0, 1, 2);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
              assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
            });
    assertThat(keys(shard.get(1), 0, 1000))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 100L, 101L, 102L, 103L, 104L);
  }

  /** Rows of a replica read by key. */
  private record JsonRows(Replica replica) {
    long marks(long key) {
      return Http.post(
              replica.url() + "/read",
              "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":" + key + ",\"high\":" + key + "}}")
          .json()
          .get("data")
          .get(0)
          .get("Stud_marks")
          .asLong();
    }
  }
}
