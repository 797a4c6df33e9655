package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Three shard-servers of one shard in this JVM, each in its own database on the shared MariaDB,
 * plus the operator's moves (config, roles) that the tests need.
 */
final class ThreeReplicaShard implements AutoCloseable {
  static final String CONFIG =
      """
      {"schema":{"columns":["Stud_id","Stud_name","Stud_marks","gpa","active"],
                 "dtypes":["Number","String","Number","Decimal","Boolean"]},
       "shards":["sh1"], "table":"students", "shardKey":"Stud_id", "low":0, "size":4096}
      """;

  /** The same table as shard sh2 owning nothing yet: a move's destination. */
  static final String EMPTY_SH2_CONFIG =
      CONFIG.replace("[\"sh1\"]", "[\"sh2\"]").replace("\"low\":0, \"size\":4096", "\"ranges\":[]");

  /** Waits until every replica of {@code shard} reports state Ready. */
  static void awaitReady(ThreeReplicaShard shard) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              for (Replica r : shard.replicas) {
                assertThat(heartbeat(r).get("state").asText()).isEqualTo("Ready");
              }
            });
  }

  /** Short timeouts so quorum failures and catch-up show within a test's patience. */
  private static final Map<String, Object> FAST =
      Map.of(
          "shardeddb.replication.quorum-timeout", "1500ms",
          "shardeddb.replication.poll-interval", "200ms");

  final List<Replica> replicas = new ArrayList<>();

  ThreeReplicaShard() {
    this(CONFIG);
  }

  ThreeReplicaShard(String config) {
    this(config, Map.of());
  }

  /** Starts three replicas with extra properties and sends each the given {@code /config}. */
  ThreeReplicaShard(String config, Map<String, Object> extra) {
    Map<String, Object> props = new java.util.HashMap<>(FAST);
    props.putAll(extra);
    String prefix = "rs" + UUID.randomUUID().toString().substring(0, 6);
    for (int i = 0; i < 3; i++) {
      replicas.add(Replica.start(prefix + "-" + i, prefix + "_" + i, props));
    }
    for (Replica r : replicas) {
      Http.Reply reply = Http.post(r.url() + "/config", config);
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    }
  }

  Replica get(int i) {
    return replicas.get(i);
  }

  List<Peer> peers() {
    return replicas.stream().map(Replica::peer).toList();
  }

  /** Tells {@code targets} that replica {@code primary} leads {@code epoch}. */
  void assign(long epoch, int primary, int... targets) {
    Peer p = replicas.get(primary).peer();
    for (int t : targets) {
      Role role = t == primary ? Role.Primary : Role.Secondary;
      RoleRequest req =
          new RoleRequest(epoch, role, p, peers(), WriteQuorum.Majority, replicas.size());
      Http.Reply reply = Http.post(replicas.get(t).url() + "/role", Http.json(req));
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    }
  }

  void assignAll(long epoch, int primary) {
    assign(epoch, primary, 0, 1, 2);
  }

  /** Sends one {@code /role} and returns the reply, whatever it is. */
  Http.Reply role(int target, long epoch, Role role, Peer primary, List<Peer> peers, int spec) {
    RoleRequest req = new RoleRequest(epoch, role, primary, peers, WriteQuorum.Majority, spec);
    return Http.post(replicas.get(target).url() + "/role", Http.json(req));
  }

  /** Sends {@code /fence} for {@code epoch} to replica {@code target}. */
  Http.Reply fence(int target, long epoch) {
    return Http.post(replicas.get(target).url() + "/fence", "{\"epoch\":" + epoch + "}");
  }

  /** The operator's failover: fence every running replica at {@code epoch}, then assign. */
  void failover(long epoch, int primary, int... targets) {
    for (int t : targets) {
      Http.Reply r = fence(t, epoch);
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
    assign(epoch, primary, targets);
  }

  static String row(long key) {
    return "{\"Stud_id\":"
        + key
        + ",\"Stud_name\":\"name-"
        + key
        + "\",\"Stud_marks\":"
        + (key % 100)
        + ",\"gpa\":\""
        + key
        + ".125\",\"active\":"
        + (key % 2 == 0)
        + "}";
  }

  static Http.Reply write(Replica r, long key) {
    return Http.post(
        r.url() + "/write", "{\"shard\":\"sh1\",\"curr_idx\":0,\"data\":[" + row(key) + "]}");
  }

  /** Writes one row with a client request id (a retry sends the same id). */
  static Http.Reply write(Replica r, long key, String requestId) {
    return Http.post(
        r.url() + "/write",
        "{\"shard\":\"sh1\",\"curr_idx\":0,\"requestId\":\""
            + requestId
            + "\",\"data\":["
            + row(key)
            + "]}");
  }

  /** Writes keys {@code [from, to)} in one request. */
  static Http.Reply writeRange(Replica r, long from, long to) {
    StringBuilder rows = new StringBuilder();
    for (long k = from; k < to; k++) {
      rows.append(k == from ? "" : ",").append(row(k));
    }
    return Http.post(
        r.url() + "/write", "{\"shard\":\"sh1\",\"curr_idx\":0,\"data\":[" + rows + "]}");
  }

  static JsonNode heartbeat(Replica r) {
    return Http.get(r.url() + "/heartbeat").json();
  }

  static JsonNode checksum(Replica r) {
    return Http.get(r.url() + "/checksum").json();
  }

  static List<Long> keys(Replica r, long low, long high) {
    JsonNode rows =
        Http.post(
                r.url() + "/read",
                "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":" + low + ",\"high\":" + high + "}}")
            .json()
            .get("data");
    List<Long> out = new ArrayList<>();
    rows.forEach(n -> out.add(n.get("Stud_id").asLong()));
    return out;
  }

  /** Drops a stopped replica's database, as if its volume were lost. */
  static void wipe(Replica r) throws SQLException {
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE `" + r.database + "`");
    }
  }

  @Override
  public void close() {
    replicas.forEach(Replica::close);
  }
}
