package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule 15: a COMMIT that reached MariaDB but whose reply was lost (a connection reset, a restart of
 * the database) has an unknown outcome for the primary. It must re-read its log position from
 * storage instead of assuming nothing was written: later writes go on at the right LSN, the applied
 * position never falls below an entry the log holds, a retry of the lost write gets its true
 * outcome, and a restart resumes from the log's last entry.
 */
class LostCommitReplyTest {
  private Replica replica;

  @BeforeEach
  void start() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    replica =
        Replica.start(
            "lost-" + id,
            "lost_" + id,
            Map.of(
                "shardeddb.storage.jdbc-properties",
                "queryInterceptors=" + LostCommitReply.class.getName()));
    Http.Reply reply = Http.post(replica.url() + "/config", ThreeReplicaShard.CONFIG);
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    replica.assignSolePrimary();
  }

  @AfterEach
  void stop() {
    replica.close();
  }

  @Test
  void givenACommitWhoseReplyIsLost_thenLaterWritesAndARestartStillWork() throws SQLException {
    assertThat(write(replica, 1, "rid-1").status()).isEqualTo(200);

    LostCommitReply.arm(replica.database);
    Http.Reply lost = write(replica, 2, "rid-2");
    assertThat(LostCommitReply.fired()).as("the commit's reply was lost").isTrue();
    // The row and its log entry are in storage: "nothing was written" would be a lie.
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id = 2")).isEqualTo("1");
    assertThat(lost.status()).as(lost.raw()).isIn(200, 503);
    assertThat(lost.raw()).doesNotContain("nothing was written");
    assertPositionCoversTheLog();

    // A retry with the same request id gets the true outcome: applied, at the entry's LSN.
    Http.Reply retry = write(replica, 2, "rid-2");
    assertThat(retry.status()).as(retry.raw()).isEqualTo(200);
    assertThat(retry.json().get("lsn").asText())
        .isEqualTo(one("SELECT lsn FROM request_ids WHERE request_id = 'rid-2'"));
    assertPositionCoversTheLog();

    // Later writes are not wedged on a duplicate LSN.
    for (long k = 3; k < 6; k++) {
      Http.Reply later = write(replica, k, "rid-" + k);
      assertThat(later.status()).as(later.raw()).isEqualTo(200);
    }
    assertPositionCoversTheLog();
    assertThat(heartbeat(replica).get("appliedLsn").asText()).isEqualTo(maxLsn());

    // And across a restart: the new term's no-op and the writes after it commit.
    replica.stop();
    replica.start();
    Http.Reply afterRestart = write(replica, 6, "rid-6");
    assertThat(afterRestart.status()).as(afterRestart.raw()).isEqualTo(200);
    assertPositionCoversTheLog();
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("6");
  }

  @Test
  void givenAGroupCommitWhoseReplyIsLost_thenEveryChangeGetsItsTrueOutcome() throws Exception {
    assertThat(write(replica, 1, "g-1").status()).isEqualTo(200);
    LostCommitReply.arm(replica.database);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<Http.Reply>> replies = new ArrayList<>();
    try {
      for (long k = 10; k < 30; k++) {
        long key = k;
        replies.add(clients.submit(() -> write(replica, key, "g-" + key)));
      }
      for (Future<Http.Reply> f : replies) {
        Http.Reply r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.raw()).isIn(200, 503);
        assertThat(r.raw()).doesNotContain("nothing was written");
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(LostCommitReply.fired()).isTrue();
    // Retries learn the truth; none is applied twice (each key is one row, its id one outcome).
    for (long k = 10; k < 30; k++) {
      Http.Reply retry = write(replica, k, "g-" + k);
      assertThat(retry.status()).as(retry.raw()).isEqualTo(200);
    }
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("21");
    assertThat(one("SELECT COUNT(*) FROM replication_log WHERE op = 'Write'")).isEqualTo("21");
    assertPositionCoversTheLog();
    assertThat(write(replica, 40, "g-40").status()).isEqualTo(200);
  }

  @Test
  void givenAnAppliedPositionBelowTheLog_whenTheReplicaRestarts_thenItResumesFromTheLog()
      throws SQLException {
    for (long k = 1; k < 4; k++) {
      assertThat(write(replica, k, "rid-" + k).status()).isEqualTo(200);
    }
    replica.stop();
    // As the code before rule 15 could leave it: the position rewritten below the log's tail.
    other("UPDATE shard_meta SET applied_lsn = applied_lsn - 2 WHERE id = 1");
    replica.start();
    Http.Reply reply = write(replica, 4, "rid-4");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertPositionCoversTheLog();
    assertThat(heartbeat(replica).get("appliedLsn").asText()).isEqualTo(maxLsn());
  }

  /**
   * Review 2026-11-26 #3: a batch [x] given up as "nothing written" whose COMMIT was still in
   * flight lands at lsn n+1 after its read-back looked; the next batch [y], planned at n+1, hits a
   * duplicate key, and storage then ends at y's LSN with the term's epoch. The entry there is x's,
   * not y's: y must not be acknowledged (it would be lost), only answered "outcome unknown", and
   * its retry must be applied after x.
   */
  @Test
  void givenAnotherBatchsEntryLandedAtTheWritesLsn_thenTheWriteIsNotAcknowledged()
      throws SQLException {
    assertThat(write(replica, 1, "rid-1").status()).isEqualTo(200);
    long n = Long.parseLong(maxLsn());
    // x's late COMMIT: its log entry at n+1 in this term's epoch (its content: a write of key 1).
    other(
        "INSERT INTO replication_log (lsn, epoch, op, row_key, request_id, payload)"
            + " SELECT lsn + 1, epoch, op, row_key, 'late-x', payload FROM replication_log"
            + " WHERE lsn = "
            + n);

    Http.Reply y = write(replica, 7, "rid-y");
    if (y.status() == 200) {
      String at = y.json().get("lsn").asText();
      assertThat(
              one("SELECT COALESCE(MAX(request_id), '-') FROM replication_log WHERE lsn = " + at))
          .as("the entry at the lsn y was acknowledged at is y's (%s)", y.raw())
          .isEqualTo("rid-y");
    }
    assertThat(y.status()).as(y.raw()).isEqualTo(503);
    assertThat(y.raw()).contains("outcome is unknown");
    assertPositionCoversTheLog();

    // The retry learns the truth: y was not written, so it is applied now, after x.
    Http.Reply retry = write(replica, 7, "rid-y");
    assertThat(retry.status()).as(retry.raw()).isEqualTo(200);
    assertThat(retry.json().get("lsn").asLong()).isEqualTo(n + 2);
    assertThat(one("SELECT request_id FROM replication_log WHERE lsn = " + (n + 2)))
        .isEqualTo("rid-y");
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id = 7")).isEqualTo("1");
    assertPositionCoversTheLog();
    assertThat(heartbeat(replica).get("appliedLsn").asText()).isEqualTo(maxLsn());
  }

  private void assertPositionCoversTheLog() throws SQLException {
    assertThat(Long.parseLong(one("SELECT applied_lsn FROM shard_meta WHERE id = 1")))
        .as("applied_lsn never below MAX(lsn) of the log")
        .isGreaterThanOrEqualTo(Long.parseLong(maxLsn()));
  }

  private String maxLsn() throws SQLException {
    return one("SELECT COALESCE(MAX(lsn), 0) FROM replication_log");
  }

  private String one(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }

  private void other(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private Connection connect() throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    try (Statement s = c.createStatement()) {
      s.execute("USE `" + replica.database + "`");
    }
    return c;
  }
}
