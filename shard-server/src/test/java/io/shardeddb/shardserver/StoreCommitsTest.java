package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.storage.ConnectionPool;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's connections start with autocommit off (ConnectionPool), so a write that relied on
 * autocommit would be rolled back silently when its connection goes back to the pool. Each write
 * path of {@link ShardStore} (and Flyway's migrations, and a group commit through {@code /write})
 * is followed here by a read on another connection, outside the pool, that must see the change.
 */
class StoreCommitsTest {
  private Replica replica;
  private ShardStore store;
  private UserTable table;

  @BeforeEach
  void start() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    replica = Replica.start("commits-" + id, "commits_" + id);
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
  void aWriteOutsideATransactionIsLost_soTheChecksBelowCanSeeOne() throws SQLException {
    try (Connection c = replica.bean(ConnectionPool.class).dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThat(c.getAutoCommit()).isFalse();
      s.executeUpdate("UPDATE shard_meta SET config_json = 'lost' WHERE id = 1");
    }
    assertThat(one("SELECT config_json FROM shard_meta WHERE id = 1")).isNotEqualTo("lost");
  }

  @Test
  void migrationsAndConfigAreCommitted() throws SQLException {
    assertThat(one("SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")).isEqualTo("7");
    assertThat(one("SELECT config_json IS NOT NULL FROM shard_meta WHERE id = 1")).isEqualTo("1");
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("0");

    store.saveConfig("{\"saved\":1}");
    assertThat(one("SELECT config_json FROM shard_meta WHERE id = 1")).isEqualTo("{\"saved\":1}");

    other("DROP TABLE user_students");
    store.ensureTable(table);
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("0");

    store.inTransaction(
        c -> {
          table.insert(c, List.of(row(7)));
          return null;
        });
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id = 7")).isEqualTo("1");
  }

  @Test
  void roleVoteAndFenceAreCommitted() throws SQLException {
    store.saveRole(5, "Secondary", "p", "http://127.0.0.1:1", "[]", "Majority", 3, "p");
    assertThat(one("SELECT CONCAT(epoch, role, vote_epoch, voted_primary) FROM shard_meta"))
        .isEqualTo("5Secondary5p");
    // A fence persists the epoch and casts no vote.
    store.saveRole(6, "None", null, null, null, "Majority", 3, null);
    assertThat(one("SELECT CONCAT(epoch, role, vote_epoch) FROM shard_meta")).isEqualTo("6None5");
  }

  @Test
  void replicatedEntriesTrimCopyAndOutcomesAreCommitted() throws SQLException {
    ShardConfig config = replica.bean(ReplicaContext.class).requireConfig();
    store.applyReplicated(
        table,
        List.of(
            new LogEntry(1, 5, Operation.Noop, null, null, null, 1_000),
            new LogEntry(2, 5, Operation.Write, List.of(wire(8)), null, "rid-8", 1_001)),
        config,
        c -> "{}");
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id = 8")).isEqualTo("1");
    assertThat(one("SELECT COUNT(*) FROM replication_log")).isEqualTo("2");
    assertThat(one("SELECT lsn FROM request_ids WHERE request_id = 'rid-8'")).isEqualTo("2");
    assertThat(one("SELECT CONCAT(applied_lsn, '/', last_entry_epoch) FROM shard_meta"))
        .isEqualTo("2/5");
    // DESIGN §9: each entry's commit time is stored with it and read back with it.
    assertThat(store.logPage(1, 10))
        .extracting(LogEntry::commitMillis)
        .containsExactly(1_000L, 1_001L);

    assertThat(store.trimLog(1)).isEqualTo(5);
    assertThat(one("SELECT COUNT(*) FROM replication_log")).isEqualTo("1");
    // The trimmed base keeps its commit time: a primary whose log holds nothing past it stamps
    // no earlier.
    assertThat(one("SELECT CONCAT(log_start_lsn, '@', log_start_commit_millis) FROM shard_meta"))
        .isEqualTo("1@1000");

    store.loadOutcomes(List.of(new RequestOutcome("rid-x", 2, 409, "exists")));
    assertThat(one("SELECT status FROM request_ids WHERE request_id = 'rid-x'")).isEqualTo("409");

    store.beginCopy(table);
    assertThat(one("SELECT CONCAT(copy_pending, applied_lsn) FROM shard_meta")).isEqualTo("10");
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("0");
    assertThat(one("SELECT COUNT(*) FROM request_ids")).isEqualTo("0");

    store.loadChunk(table, List.of(row(9), row(10)));
    assertThat(one("SELECT COUNT(*) FROM user_students")).isEqualTo("2");
    store.finishCopy(12, 6, 1_234, 77_000);
    assertThat(
            one(
                "SELECT CONCAT(copy_pending, applied_lsn, '/', last_entry_epoch, '@',"
                    + " log_start_commit_millis, '#', log_start_global_ts) FROM shard_meta"))
        .isEqualTo("012/6@1234#77000");
  }

  @Test
  void aGroupCommitIsCommitted() throws SQLException {
    Peer self = replica.peer();
    RoleRequest role =
        new RoleRequest(1, Role.Primary, self, List.of(self), WriteQuorum.Majority, 1);
    Http.Reply assigned = Http.post(replica.url() + "/role", Http.json(role));
    assertThat(assigned.status()).as(assigned.raw()).isEqualTo(200);
    Http.Reply written = ThreeReplicaShard.write(replica, 11, "rid-11");
    assertThat(written.status()).as(written.raw()).isEqualTo(200);
    assertThat(one("SELECT COUNT(*) FROM user_students WHERE Stud_id = 11")).isEqualTo("1");
    assertThat(one("SELECT lsn FROM request_ids WHERE request_id = 'rid-11'"))
        .isEqualTo(written.json().get("lsn").asText());
    assertThat(one("SELECT applied_lsn FROM shard_meta"))
        .isEqualTo(written.json().get("lsn").asText());
  }

  private static Map<String, Object> row(long key) {
    return table(key, new java.math.BigDecimal("1.5"));
  }

  private static Map<String, Object> wire(long key) {
    return table(key, "1.5");
  }

  private static Map<String, Object> table(long key, Object gpa) {
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    r.put("Stud_id", key);
    r.put("Stud_name", "n" + key);
    r.put("Stud_marks", 1L);
    r.put("gpa", gpa);
    r.put("active", true);
    return r;
  }

  /** One value read on a connection of its own (autocommit, outside the replica's pool). */
  private String one(String sql) throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("USE `" + replica.database + "`");
      try (ResultSet rs = s.executeQuery(sql)) {
        assertThat(rs.next()).as(sql).isTrue();
        return rs.getString(1);
      }
    }
  }

  private void other(String sql) throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("USE `" + replica.database + "`");
      s.execute(sql);
    }
  }
}
