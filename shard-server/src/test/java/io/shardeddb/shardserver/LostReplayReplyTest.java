package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Review 2026-11-26 #4: rule 15 on a secondary, and a primary whose storage holds entries its
 * memory does not. A replay whose COMMIT reached MariaDB but whose reply was lost (the mysql
 * container restarted under a live shard-server) must not leave the secondary re-inserting the same
 * entry for good; a primary that finds such entries under its term's no-op must say that it serves
 * no majority, so the operator fails over, instead of staying Primary without a term.
 */
class LostReplayReplyTest {
  private static final Map<String, Object> LOSES_A_REPLY =
      Map.of(
          "shardeddb.storage.jdbc-properties",
          "queryInterceptors=" + LostCommitReply.class.getName());

  @Test
  void givenASecondarysReplayWhoseCommitReplyIsLost_thenItResumesFromStorageAndCatchesUp()
      throws SQLException {
    try (ThreeReplicaShard shard = new ThreeReplicaShard(ThreeReplicaShard.CONFIG, LOSES_A_REPLY)) {
      shard.assignAll(1, 0);
      ThreeReplicaShard.awaitReady(shard);
      Replica primary = shard.get(0);
      Replica secondary = shard.get(1);
      assertThat(write(primary, 1, "s-1").status()).isEqualTo(200);

      LostCommitReply.arm(secondary.database);
      assertThat(write(primary, 2, "s-2").status()).isEqualTo(200);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(LostCommitReply::fired);
      for (long k = 3; k < 6; k++) {
        Http.Reply later = write(primary, k, "s-" + k);
        assertThat(later.status()).as(later.raw()).isEqualTo(200);
      }

      // Before the fix: its memory stayed one entry below its storage, every apply hit "Duplicate
      // entry" at that entry, and it never caught up again.
      long end = heartbeat(primary).get("appliedLsn").asLong();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode hb = heartbeat(secondary);
                assertThat(hb.get("appliedLsn").asLong()).as(hb.toString()).isEqualTo(end);
                assertThat(hb.get("state").asText()).isEqualTo("Ready");
              });
      assertThat(one(secondary, "SELECT COUNT(*) FROM user_students")).isEqualTo("5");
      assertThat(Long.parseLong(one(secondary, "SELECT applied_lsn FROM shard_meta WHERE id = 1")))
          .isEqualTo(end);
    }
  }

  @Test
  void givenAPrimaryWhoseNoOpHitsAnEarlierEpochsEntry_thenItsHeartbeatSaysItServesNoMajority()
      throws SQLException {
    String id = UUID.randomUUID().toString().substring(0, 6);
    Replica replica = Replica.start("lostr-" + id, "lostr_" + id, LOSES_A_REPLY);
    try {
      Http.Reply config = Http.post(replica.url() + "/config", ThreeReplicaShard.CONFIG);
      assertThat(config.status()).as(config.raw()).isEqualTo(200);
      assertThat(role(replica, 1).status()).isEqualTo(200);
      assertThat(write(replica, 1, "p-1").status()).isEqualTo(200);
      long n = Long.parseLong(one(replica, "SELECT MAX(lsn) FROM replication_log"));
      // An entry of epoch 1 its memory does not know of: a replay whose COMMIT reply was lost
      // while it was a secondary (what review item 4 elects).
      other(
          replica,
          "INSERT INTO replication_log (lsn, epoch, op, row_key, request_id, payload)"
              + " SELECT lsn + 1, epoch, op, row_key, 'landed', payload FROM replication_log"
              + " WHERE lsn = "
              + n);

      // Elected at epoch 2: its no-op is planned at n+1 and hits that entry.
      assertThat(role(replica, 2).status()).isEqualTo(200);

      // Before the fix: it stepped down inside but kept role Primary with no term and a heartbeat
      // without a quorum state, which the planner reads as an older shard-server: no failover.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode hb = heartbeat(replica);
                assertThat(hb.get("quorum")).as(hb.toString()).isNotNull();
                assertThat(hb.get("quorum").get("majorityAckAgeMillis").asLong())
                    .as(hb.toString())
                    .isGreaterThan(60_000);
              });
      // It answers what its storage holds (rule 15), so the next fence weighs the landed entry.
      assertThat(heartbeat(replica).get("appliedLsn").asLong()).isEqualTo(n + 1);
      Http.Reply refused = write(replica, 2, "p-2");
      assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
    } finally {
      replica.close();
    }
  }

  private static Http.Reply role(Replica r, long epoch) {
    Peer self = r.peer();
    RoleRequest role =
        new RoleRequest(epoch, Role.Primary, self, List.of(self), WriteQuorum.Majority, 1);
    return Http.post(r.url() + "/role", Http.json(role));
  }

  private static String one(Replica r, String sql) throws SQLException {
    try (Connection c = connect(r);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }

  private static void other(Replica r, String sql) throws SQLException {
    try (Connection c = connect(r);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Connection connect(Replica r) throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    try (Statement s = c.createStatement()) {
      s.execute("USE `" + r.database + "`");
    }
    return c;
  }
}
