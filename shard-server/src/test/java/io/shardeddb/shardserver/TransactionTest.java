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

  private static final String CREATE_ORDERS =
      """
      {"version":2,"schema":{"table":"orders","shardKey":"cust","columns":[
       {"name":"cust","type":"Number"},{"name":"item","type":"String"},
       {"name":"qty","type":"Number","nullable":true}]}}""";

  private static String inOrders(String step) {
    return step.substring(0, step.length() - 1) + ",\"table\":\"orders\"}";
  }

  private static String order(long cust, String item, int qty) {
    return inOrders(
        "{\"op\":\"Write\",\"row\":{\"cust\":"
            + cust
            + ",\"item\":\""
            + item
            + "\",\"qty\":"
            + qty
            + "}}");
  }

  private static long ordersQty(Replica r, long cust) {
    Http.Reply reply =
        Http.post(
            r.url() + "/read",
            "{\"shard\":\"sh1\",\"table\":\"orders\",\"cust\":{\"low\":"
                + cust
                + ",\"high\":"
                + cust
                + "}}");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.json().get("data")).as(reply.raw()).hasSize(1);
    return reply.json().get("data").get(0).get("qty").asLong();
  }

  @Test
  @DisplayName(
      "a transaction over two tables (the second keyed by another column) is one entry: all of"
          + " it on every copy, or none of it")
  void aTransactionOverTwoTables() throws Exception {
    Replica primary = shard.get(0);
    assertThat(ThreeReplicaShard.writeRange(primary, 0, 5).status()).isEqualTo(200);
    Http.Reply created = Http.post(primary.url() + "/schema", CREATE_ORDERS);
    assertThat(created.status()).as(created.raw()).isEqualTo(200);

    Http.Reply ok =
        Http.post(
            primary.url() + "/txn",
            txn(
                "m-1",
                order(1, "pen", 2),
                update(1, 77),
                order(3, "ink", 1),
                inOrders("{\"op\":\"Update\",\"key\":3,\"row\":{\"qty\":9}}"),
                delete(4)));
    assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    assertThat(ordersQty(primary, 3)).isEqualTo(9);
    assertThat(keys(primary, 0, 100)).containsExactly(0L, 1L, 2L, 3L);

    // One step that cannot apply (no order of cust 8): none of it, the 404 names the table.
    Http.Reply refused =
        Http.post(
            primary.url() + "/txn",
            txn("m-2", delete(0), order(5, "cap", 1), inOrders("{\"op\":\"Delete\",\"key\":8}")));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(404);
    assertThat(refused.raw()).contains("cust:8").contains("in table orders");
    // An insert of a held key of orders: 409 naming the table; the first table's row 0 stays.
    Http.Reply twice = Http.post(primary.url() + "/txn", txn("m-3", delete(0), order(1, "x", 1)));
    assertThat(twice.status()).as(twice.raw()).isEqualTo(409);
    assertThat(twice.raw()).contains("in table orders");
    assertThat(keys(primary, 0, 100)).containsExactly(0L, 1L, 2L, 3L);
    // A step of a table the shard lacks: 404 naming it, nothing written.
    Http.Reply unknown =
        Http.post(
            primary.url() + "/txn",
            txn("m-4", delete(0), "{\"op\":\"Delete\",\"key\":1,\"table\":\"nope\"}"));
    assertThat(unknown.status()).as(unknown.raw()).isEqualTo(404);
    assertThat(unknown.raw()).contains("nope");
    assertThat(keys(primary, 0, 100)).containsExactly(0L, 1L, 2L, 3L);

    // Secondaries, a restarted replica and a wiped one (a snapshot) hold both tables alike.
    shard.get(1).stop();
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
    assertThat(checksum(primary).get("rows").asLong()).isEqualTo(4 + 2);
    assertThat(ordersQty(shard.get(1), 3)).isEqualTo(9);
    assertThat(ordersQty(shard.get(2), 1)).isEqualTo(2);
    assertThat(new JsonRows(shard.get(2)).marks(1)).isEqualTo(77);
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
