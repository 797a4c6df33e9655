package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.write.BatchPlanner;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.StorageException;
import io.shardeddb.shardserver.storage.UserTable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit's folded statements (one lookup query, one multi-statement write) keep the
 * rules: the epoch re-check in the same transaction aborts a commit racing a fence (rule 6), a
 * failing statement takes the whole transaction with it, outcomes are recorded with the write (rule
 * 8), and a failed item of a group commit does not lose the others.
 */
class FoldedCommitTest {
  private Replica replica;
  private ShardStore store;
  private UserTable table;

  @BeforeEach
  void start() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    replica = Replica.start("folded-" + id, "folded_" + id);
    Http.Reply reply = Http.post(replica.url() + "/config", ThreeReplicaShard.CONFIG);
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    store = replica.bean(ShardStore.class);
    table = replica.bean(ReplicaContext.class).requireTable();
  }

  @AfterEach
  void stop() {
    replica.close();
  }

  @Test
  void aCommitRacingAFenceWritesNothing() throws SQLException {
    // The batch belongs to epoch 2; a fence persisted epoch 3 before the commit's re-check.
    other("UPDATE shard_meta SET epoch = 3, role = 'None' WHERE id = 1");
    assertThatThrownBy(() -> commit(2, List.of(row(20)), "rid-20", 1))
        .hasMessageContaining("fenced");
    assertNothingWritten(20, "rid-20");

    // Same epoch, but demoted to Secondary: no commit either.
    other("UPDATE shard_meta SET epoch = 2, role = 'Secondary' WHERE id = 1");
    assertThatThrownBy(() -> commit(2, List.of(row(20)), "rid-20", 1))
        .hasMessageContaining("fenced");
    assertNothingWritten(20, "rid-20");
  }

  @Test
  void aCommitOfTheCurrentEpochWritesRowsOutcomesLogAndPosition() throws SQLException {
    other("UPDATE shard_meta SET epoch = 2, role = 'Primary' WHERE id = 1");
    commit(2, List.of(row(20), row(21)), "rid-20", 1);
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id IN (20, 21)")).isEqualTo("2");
    assertThat(one("SELECT CONCAT(lsn, '/', status) FROM request_ids WHERE request_id = 'rid-20'"))
        .isEqualTo("1/200");
    assertThat(one("SELECT CONCAT(epoch, op, request_id) FROM replication_log WHERE lsn = 1"))
        .isEqualTo("2Writerid-20");
    assertThat(one("SELECT CONCAT(applied_lsn, '/', last_entry_epoch) FROM shard_meta"))
        .isEqualTo("1/2");
  }

  @Test
  void aFailingStatementOfTheFoldRollsBackTheWholeTransaction() throws SQLException {
    other("UPDATE shard_meta SET epoch = 2, role = 'Primary' WHERE id = 1");
    other("INSERT INTO user_students (Stud_id) VALUES (21)");
    // Row 20 is new, row 21 exists: the insert fails, and so must the outcome, log and position.
    assertThatThrownBy(() -> commit(2, List.of(row(20), row(21)), "rid-20", 1))
        .isInstanceOf(StorageException.class);
    assertNothingWritten(20, "rid-20");
  }

  @Test
  void oneLookupFindsRecordedOutcomesAndHeldKeys() throws SQLException {
    other("INSERT INTO user_students (Stud_id) VALUES (30), (1500)");
    other("INSERT INTO request_ids VALUES ('rid-a', 4, 409, 'exists')");
    // More keys than one IN list holds: several parts of the one UNION ALL.
    List<Long> keys = LongStream.range(0, 2500).boxed().toList();
    ShardStore.Known known =
        store.inTransaction(
            c ->
                store.lookUp(
                    c,
                    table,
                    new BatchPlanner.Lookup(
                        List.of("rid-a", "rid-b"),
                        keys.stream().map(BatchPlanner.RowKey::first).toList(),
                        Map.of())));
    assertThat(known.outcomes())
        .containsOnlyKeys("rid-a")
        .containsEntry("rid-a", new RequestOutcome("rid-a", 4, 409, "exists"));
    assertThat(known.present())
        .isEqualTo(Set.of(BatchPlanner.RowKey.first(30L), BatchPlanner.RowKey.first(1500L)));
    ShardStore.Known none =
        store.inTransaction(
            c -> store.lookUp(c, table, new BatchPlanner.Lookup(List.of(), List.of(), Map.of())));
    assertThat(none.outcomes()).isEmpty();
    assertThat(none.present()).isEmpty();
  }

  @Test
  void aFailedItemOfAGroupCommitDoesNotLoseTheOthers() throws Exception {
    Peer self = replica.peer();
    RoleRequest role =
        new RoleRequest(1, Role.Primary, self, List.of(self), WriteQuorum.Majority, 1);
    Http.Reply assigned = Http.post(replica.url() + "/role", Http.json(role));
    assertThat(assigned.status()).as(assigned.raw()).isEqualTo(200);
    assertThat(ThreeReplicaShard.write(replica, 7, "first-7").status()).isEqualTo(200);

    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<Future<Http.Reply>> replies = new ArrayList<>();
    try {
      for (long k = 0; k < 40; k++) {
        long key = k;
        // Key 7 exists: its write fails (409), the other 39 in the same group commits do not.
        replies.add(clients.submit(() -> ThreeReplicaShard.write(replica, key, "g-" + key)));
      }
      for (int k = 0; k < replies.size(); k++) {
        Http.Reply r = replies.get(k).get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.raw()).isEqualTo(k == 7 ? 409 : 200);
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("40");
    // Every outcome was recorded with its write (rule 8): 39 applied, one refused, plus first-7.
    assertThat(one("SELECT COUNT(*) FROM request_ids WHERE request_id LIKE 'g-%' AND status = 200"))
        .isEqualTo("39");
    assertThat(one("SELECT status FROM request_ids WHERE request_id = 'g-7'")).isEqualTo("409");
    // A retry gets the recorded outcome, not a second attempt.
    assertThat(ThreeReplicaShard.write(replica, 7, "g-7").status()).isEqualTo(409);
    assertThat(ThreeReplicaShard.write(replica, 8, "g-8").status()).isEqualTo(200);
    assertThat(one("SELECT COUNT(*) FROM replication_log WHERE op = 'Write'")).isEqualTo("40");
  }

  /** One group commit of {@code rows} as one entry at {@code lsn} of {@code epoch}. */
  private void commit(long epoch, List<Map<String, Object>> rows, String requestId, long lsn) {
    List<Map<String, Object>> wire = rows.stream().map(table::toWire).toList();
    store.inTransaction(
        c -> {
          boolean committed =
              store.commitAsPrimary(
                  c,
                  table,
                  rows,
                  List.of(new RequestOutcome(requestId, lsn, RequestOutcome.APPLIED, null)),
                  null,
                  List.of(new LogEntry(lsn, epoch, Operation.Write, wire, null, requestId)),
                  epoch,
                  lsn - 1,
                  0);
          if (!committed) {
            // As WriteCoordinator does: the exception rolls the transaction back.
            throw new IllegalStateException("fenced or demoted while committing");
          }
          return null;
        });
  }

  private void assertNothingWritten(long key, String requestId) throws SQLException {
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id = " + key)).isEqualTo("0");
    assertThat(one("SELECT COUNT(*) FROM request_ids WHERE request_id = '" + requestId + "'"))
        .isEqualTo("0");
    assertThat(one("SELECT COUNT(*) FROM replication_log")).isEqualTo("0");
    assertThat(one("SELECT applied_lsn FROM shard_meta")).isEqualTo("0");
  }

  private static Map<String, Object> row(long key) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("Stud_id", key);
    r.put("Stud_name", "n" + key);
    r.put("Stud_marks", 1L);
    r.put("gpa", new BigDecimal("1.5"));
    r.put("active", true);
    return r;
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

  /** A connection of its own (autocommit), outside the replica's pool. */
  private Connection connect() throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    try (Statement s = c.createStatement()) {
      s.execute("USE `" + replica.database + "`");
    }
    return c;
  }
}
