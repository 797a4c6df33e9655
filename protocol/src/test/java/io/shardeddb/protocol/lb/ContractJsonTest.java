package io.shardeddb.protocol.lb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.EntryTrace;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every contract record survives a JSON round trip through both mappers in use — Micronaut Serde
 * (the services' HTTP bodies) and Jackson databind (fabric8, the typed client) — and the exact
 * example payloads of DESIGN.md §4 parse and re-serialise to the same JSON.
 */
class ContractJsonTest {

  /** A mapper under test: reads and writes JSON text. */
  interface Mapper {
    <T> T read(String json, Class<T> type) throws IOException;

    String write(Object value) throws IOException;
  }

  static final ObjectMapper JACKSON = new ObjectMapper();

  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  static Stream<Arguments> mappers() {
    io.micronaut.serde.ObjectMapper serde = io.micronaut.serde.ObjectMapper.getDefault();
    Mapper micronaut =
        new Mapper() {
          @Override
          public <T> T read(String json, Class<T> type) throws IOException {
            return serde.readValue(json, type);
          }

          @Override
          public String write(Object value) throws IOException {
            return serde.writeValueAsString(value);
          }
        };
    Mapper jackson =
        new Mapper() {
          @Override
          public <T> T read(String json, Class<T> type) throws IOException {
            return JACKSON.readValue(json, type);
          }

          @Override
          public String write(Object value) throws IOException {
            return JACKSON.writeValueAsString(value);
          }
        };
    return Stream.of(Arguments.of("micronaut-serde", micronaut), Arguments.of("jackson", jackson));
  }

  /** Parses {@code json} into {@code type}, writes it back and expects the same JSON tree. */
  private static <T> T roundTrip(Mapper m, String json, Class<T> type) throws IOException {
    T value = m.read(json, type);
    JsonNode expected = JACKSON.readTree(json);
    JsonNode actual = JACKSON.readTree(m.write(value));
    assertThat(actual).isEqualTo(expected);
    return value;
  }

  static final String INIT =
      """
      {"N":3,
       "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","String"]},
       "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096},
                 {"Stud_id_low":4096,"Shard_id":"sh2","Shard_size":4096},
                 {"Stud_id_low":8192,"Shard_id":"sh3","Shard_size":4096}],
       "servers":{"Server0":["sh1","sh2"],"Server1":["sh2","sh3"],"Server2":["sh1","sh3"]}}
      """;

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void initAndStatusPayload(String name, Mapper m) throws IOException {
    DatabaseConfig c = roundTrip(m, INIT, DatabaseConfig.class);
    assertThat(c.n()).isEqualTo(3);
    assertThat(c.shards()).extracting(ShardDoc::id).containsExactly("sh1", "sh2", "sh3");
    assertThat(c.shards().get(1).low()).isEqualTo(4096);
    assertThat(c.servers().keySet()).containsExactly("Server0", "Server1", "Server2");
    assertThat(c.schema().columns()).containsExactly("Stud_id", "Stud_name", "Stud_marks");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void addPayloadsAndReplies(String name, Mapper m) throws IOException {
    AddRequest add =
        roundTrip(
            m,
            """
            {"n":2,
             "new_shards":[{"Stud_id_low":12288,"Shard_id":"sh5","Shard_size":4096}],
             "servers":{"Server4":["sh3","sh5"],"Server[5]":["sh2","sh5"]}}
            """,
            AddRequest.class);
    assertThat(add.n()).isEqualTo(2);
    assertThat(add.newShards()).extracting(ShardDoc::id).containsExactly("sh5");
    assertThat(add.servers()).containsKey("Server[5]");
    roundTrip(
        m,
        "{\"N\":5,\"message\":\"Add Server:4 and Server:58\",\"status\":\"successful\"}",
        AddResponse.class);
    roundTrip(
        m,
        "{\"message\":\"<Error> Number of new servers (n) is greater than newly added instances\","
            + "\"status\":\"failure\"}",
        MessageResponse.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void removePayloadAndReply(String name, Mapper m) throws IOException {
    RemoveRequest rm = roundTrip(m, "{\"n\":2,\"servers\":[\"Server4\"]}", RemoveRequest.class);
    assertThat(rm.servers()).containsExactly("Server4");
    RemoveResponse reply =
        roundTrip(
            m,
            "{\"message\":{\"N\":3,\"servers\":[\"Server1\",\"Server4\"]},\"status\":\"successful\"}",
            RemoveResponse.class);
    assertThat(reply.message().n()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void readWriteUpdateDeletePayloads(String name, Mapper m) throws IOException {
    ReadResponse read =
        roundTrip(
            m,
            """
            {"shards_queried":["sh1","sh2","sh3"],
             "data":[{"Stud_id":1532,"Stud_name":"BKK","Stud_marks":"23"},
                     {"Stud_id":2001,"Stud_name":"ADS","Stud_marks":"34"}],
             "status":"success"}
            """,
            ReadResponse.class);
    assertThat(read.shardsQueried()).containsExactly("sh1", "sh2", "sh3");
    assertThat(read.data()).hasSize(2);

    WriteRequest write =
        roundTrip(
            m,
            "{\"data\":[{\"Stud_id\":2255,\"Stud_name\":\"GHI\",\"Stud_marks\":27},"
                + "{\"Stud_id\":3524,\"Stud_name\":\"JKBFSFS\",\"Stud_marks\":56}]}",
            WriteRequest.class);
    assertThat(write.data()).hasSize(2);
    roundTrip(
        m, "{\"message\":\"2 Data entries added\",\"status\":\"success\"}", WriteResponse.class);
    roundTrip(
        m,
        "{\"message\":\"Data entry for Stud_id: 2255 updated\",\"status\":\"success\"}",
        WriteResponse.class);
    roundTrip(
        m,
        "{\"message\":\"Data entry with Stud_id:2255 removed from all replicas\","
            + "\"status\":\"success\",\"session\":\"sh1:4\"}",
        WriteResponse.class);
    // /read/explain: MariaDB's plan rows of the read's SELECT, and that SELECT with ? for values.
    io.shardeddb.protocol.shard.ShardExplainResponse explained =
        roundTrip(
            m,
            """
            {"plan":[{"id":1,"select_type":"SIMPLE","table":"t","type":"ref",
                      "possible_keys":"PRIMARY,by_marks","key":"by_marks","key_len":"9",
                      "ref":"const","rows":1,"Extra":"Using where"}],
             "sql":"SELECT a FROM t WHERE k BETWEEN ? AND ? ORDER BY k LIMIT ?",
             "status":"success"}
            """,
            io.shardeddb.protocol.shard.ShardExplainResponse.class);
    assertThat(explained.plan().get(0)).containsEntry("key", "by_marks");
    // /read, /update and /del bodies are keyed by the schema's shard key
    @SuppressWarnings("unchecked")
    Map<String, Object> readBody = m.read("{\"Stud_id\":{\"low\":1000,\"high\":8889}}", Map.class);
    assertThat(ContractBodies.range(readBody, "Stud_id")).isEqualTo(new KeyRange(1000, 8889));
    @SuppressWarnings("unchecked")
    Map<String, Object> updateBody =
        m.read(
            "{\"Stud_id\":\"2255\",\"data\":{\"Stud_id\":2255,\"Stud_name\":\"GHI\",\"Stud_marks\":28}}",
            Map.class);
    assertThat(ContractBodies.key(updateBody, "Stud_id")).isEqualTo(2255L);
    assertThat(ContractBodies.updateData(updateBody)).containsEntry("Stud_name", "GHI");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void shardServerPayloads(String name, Mapper m) throws IOException {
    ShardConfigRequest config =
        roundTrip(
            m,
            """
            {"schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","String"]},
             "shards":["sh1"],"table":"students","shardKey":"Stud_id","low":0,"size":4096}
            """,
            ShardConfigRequest.class);
    assertThat(config.shards()).containsExactly("sh1");
    ShardWriteRequest w =
        roundTrip(
            m,
            "{\"shard\":\"sh2\",\"curr_idx\":507,\"data\":[{\"Stud_id\":2255,\"Stud_name\":\"GHI\","
                + "\"Stud_marks\":27}],\"requestId\":\"r-1\"}",
            ShardWriteRequest.class);
    assertThat(w.currIdx()).isEqualTo(507);
    assertThat(w.traceparent()).isNull();
    // Traces (docs/monitoring.md): the optional traceparent a router's write names its span in.
    ShardWriteRequest traced =
        roundTrip(
            m,
            "{\"shard\":\"sh2\",\"data\":[],\"requestId\":\"r-2\",\"traceparent\":\""
                + TRACEPARENT
                + "\"}",
            ShardWriteRequest.class);
    assertThat(traced.traceparent()).isEqualTo(TRACEPARENT);
    assertThat(traced.clientRequestId()).isNull();
    // Logs (docs/monitoring.md): the request id the router logged the client's request under.
    ShardWriteRequest logged =
        roundTrip(
            m,
            "{\"shard\":\"sh2\",\"data\":[],\"requestId\":\"r-3/sh2\","
                + "\"clientRequestId\":\"order-17\"}",
            ShardWriteRequest.class);
    assertThat(logged.clientRequestId()).isEqualTo("order-17");
    assertThat(logged.requestId()).isEqualTo("r-3/sh2");
    roundTrip(
        m,
        "{\"message\":\"Data entries added\",\"current_idx\":508,\"status\":\"success\",\"lsn\":9}",
        ShardWriteResponse.class);
    ShardWriteResponse acked =
        roundTrip(
            m,
            "{\"message\":\"Data entries added\",\"status\":\"success\",\"lsn\":9,"
                + "\"epoch\":2,\"acks\":3,\"replicas\":3}",
            ShardWriteResponse.class);
    assertThat(acked.acks()).isEqualTo(3);
    roundTrip(
        m,
        m.write(
            new RoleRequest(
                4,
                Role.Primary,
                new Peer("students-sh1-0", "http://127.0.0.2:8081"),
                List.of(new Peer("students-sh1-1", "http://127.0.0.3:8081")),
                WriteQuorum.Majority,
                3)),
        RoleRequest.class);
    roundTrip(
        m,
        m.write(
            new ReplicateRequest(
                4,
                "students-sh1-0",
                11,
                4,
                List.of(
                    new LogEntry(
                        12,
                        4,
                        Operation.Write,
                        List.of(Map.of("Stud_id", 1, "Stud_name", "A", "Stud_marks", 3)),
                        null,
                        "r-1"),
                    new LogEntry(13, 4, Operation.Delete, List.of(), 1L, null)))),
        ReplicateRequest.class);
    // Traces: the primary's write span per traced entry, an optional property (absent when none).
    ReplicateRequest withTraces =
        roundTrip(
            m,
            m.write(
                new ReplicateRequest(4, "students-sh1-0", 11, 4, List.of(), "students-sh1-1", 11L)
                    .withTraces(List.of(new EntryTrace(12, TRACEPARENT)))),
            ReplicateRequest.class);
    assertThat(withTraces.traces()).containsExactly(new EntryTrace(12, TRACEPARENT));
    assertThat(
            m.write(
                new ReplicateRequest(4, "students-sh1-0", 11, 4, List.of(), "students-sh1-1", 11L)))
        .doesNotContain("traces");
    Heartbeat hb =
        roundTrip(
            m,
            m.write(
                Heartbeat.builder("students-sh1-1", "sh1")
                    .role(Role.Secondary)
                    .epoch(4)
                    .appliedLsn(12)
                    .lastEntryEpoch(4)
                    .primary("students-sh1-0")
                    .lagLsn(0)
                    .state(ReplicaState.Ready)
                    .build()),
            Heartbeat.class);
    assertThat(hb.ready()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void topologyDocument(String name, Mapper m) throws IOException {
    Topology t =
        new Topology(
            "students",
            7,
            new TableSchema(
                "students",
                "Stud_id",
                List.of(
                    new Column("Stud_id", ColumnType.Number),
                    new Column("Stud_name", ColumnType.String))),
            WriteQuorum.Majority,
            List.of(
                new ShardTopology(
                    "sh1",
                    0,
                    4096,
                    4,
                    "students-sh1-0",
                    List.of(
                        new Replica("students-sh1-0", "http://127.0.0.2:8081", Role.Primary),
                        new Replica("students-sh1-1", "http://127.0.0.3:8081", Role.Secondary)))),
            Map.of("Server0", List.of("sh1")));
    Topology back = roundTrip(m, m.write(t), Topology.class);
    assertThat(back).isEqualTo(t);
    assertThat(back.shard("sh1").orElseThrow().primaryReplica().orElseThrow().url())
        .isEqualTo("http://127.0.0.2:8081");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappers")
  void roleRequestAndQuorumStateCarryLearners(String name, Mapper m) throws IOException {
    // Rule 12: new replicas join as learners; the primary's heartbeat reports them apart.
    RoleRequest r =
        roundTrip(
            m,
            "{\"epoch\":4,\"role\":\"Primary\","
                + "\"primary\":{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"},"
                + "\"peers\":[{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"}],"
                + "\"writeQuorum\":\"Majority\",\"replicas\":3,"
                + "\"learners\":[{\"name\":\"s-3\",\"url\":\"http://127.0.0.5:8081\"}]}",
            RoleRequest.class);
    assertThat(r.learners()).extracting(Peer::name).containsExactly("s-3");
    // An operator before learners sends none: every peer votes.
    RoleRequest old =
        m.read(
            "{\"epoch\":4,\"role\":\"Secondary\","
                + "\"primary\":{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"},"
                + "\"peers\":[],\"writeQuorum\":\"Majority\",\"replicas\":3}",
            RoleRequest.class);
    assertThat(old.learners()).isEmpty();
    // Rule 9: a planned switch-over's role says the lease was handed over; absent, false.
    assertThat(old.leaseHandedOver()).isFalse();
    RoleRequest handedOver =
        roundTrip(
            m,
            "{\"epoch\":4,\"role\":\"Primary\","
                + "\"primary\":{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"},"
                + "\"peers\":[{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"}],"
                + "\"writeQuorum\":\"Majority\",\"replicas\":3,"
                + "\"learners\":[{\"name\":\"s-3\",\"url\":\"http://127.0.0.5:8081\"}],"
                + "\"leaseHandedOver\":true}",
            RoleRequest.class);
    assertThat(handedOver.leaseHandedOver()).isTrue();
    FenceResponse fenced =
        roundTrip(
            m,
            "{\"name\":\"s-0\",\"epoch\":5,\"lastEntryEpoch\":4,\"lastLsn\":9,"
                + "\"state\":\"Fenced\",\"handsOverLease\":true}",
            FenceResponse.class);
    assertThat(fenced.handsOverLease()).isTrue();
    assertThat(m.read("{\"name\":\"s-0\",\"epoch\":5}", FenceResponse.class).handsOverLease())
        .isFalse();
    // Rule 2: a Primary role names the position its replica was chosen for; before, none.
    assertThat(old.chosenAt()).isNull();
    RoleRequest chosen =
        m.read(
            "{\"epoch\":4,\"role\":\"Primary\","
                + "\"primary\":{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"},"
                + "\"peers\":[{\"name\":\"s-0\",\"url\":\"http://127.0.0.2:8081\"}],"
                + "\"writeQuorum\":\"Majority\",\"replicas\":3,"
                + "\"chosenAt\":{\"epoch\":3,\"lsn\":189}}",
            RoleRequest.class);
    assertThat(chosen.chosenAt()).isEqualTo(new LogPosition(3, 189));
    assertThat(m.read(m.write(chosen), RoleRequest.class)).isEqualTo(chosen);
    assertThat(m.write(old)).doesNotContain("chosenAt");
    io.shardeddb.protocol.shard.QuorumState q =
        roundTrip(
            m,
            "{\"replicas\":3,\"voters\":[\"s-1\",\"s-2\"],\"termCommitted\":true,"
                + "\"majorityAckAgeMillis\":12,\"learners\":[\"s-3\",\"s-4\"],"
                + "\"committedLsn\":41,\"steppedDown\":true}",
            io.shardeddb.protocol.shard.QuorumState.class);
    assertThat(q.learners()).containsExactly("s-3", "s-4");
    assertThat(q.committedLsn()).isEqualTo(41);
    // Rule 11's check-quorum (issue 47 item 6); a shard-server before it sends none: not stood
    // down.
    assertThat(q.steppedDown()).isTrue();
    io.shardeddb.protocol.shard.QuorumState before =
        m.read(
            "{\"replicas\":3,\"voters\":[\"s-1\"],\"termCommitted\":false,"
                + "\"majorityAckAgeMillis\":0}",
            io.shardeddb.protocol.shard.QuorumState.class);
    assertThat(before.learners()).isEmpty();
    assertThat(before.steppedDown()).isFalse();
    // Cabinet's weights (issue 51 item 2): the primary's and each voter's; a secondary that never
    // answered has no latency; a shard-server before the field sends none (null, not empty).
    io.shardeddb.protocol.shard.QuorumState weighed =
        roundTrip(
            m,
            "{\"replicas\":3,\"voters\":[\"s-1\",\"s-2\"],\"termCommitted\":true,"
                + "\"majorityAckAgeMillis\":12,\"learners\":[\"s-3\"],\"committedLsn\":41,"
                + "\"steppedDown\":false,\"weights\":["
                + "{\"name\":\"s-0\",\"ackLatencyMillis\":0.0,\"lagLsn\":0,\"weight\":1.0},"
                + "{\"name\":\"s-1\",\"ackLatencyMillis\":1.5,\"lagLsn\":2,\"weight\":0.2222},"
                + "{\"name\":\"s-2\",\"lagLsn\":41,\"weight\":0.0}]}",
            io.shardeddb.protocol.shard.QuorumState.class);
    assertThat(weighed.weights())
        .extracting(io.shardeddb.protocol.shard.ReplicaWeight::name)
        .containsExactly("s-0", "s-1", "s-2");
    assertThat(weighed.weights().get(2).ackLatencyMillis()).isNull();
    assertThat(before.weights()).isNull();
    assertThat(m.write(before)).doesNotContain("weights");
    // A secondary's report of its primary (rule 11); absent from older shard-servers: 0, not lost.
    io.shardeddb.protocol.shard.Heartbeat h =
        m.read(
            "{\"name\":\"s-1\",\"shard\":\"sh1\",\"role\":\"Secondary\",\"epoch\":4,"
                + "\"primaryContactAgeMillis\":2100,\"primaryLost\":true}",
            io.shardeddb.protocol.shard.Heartbeat.class);
    assertThat(h.primaryContactAgeMillis()).isEqualTo(2100);
    assertThat(h.primaryLost()).isTrue();
    io.shardeddb.protocol.shard.Heartbeat older =
        m.read(
            "{\"name\":\"s-1\",\"shard\":\"sh1\",\"role\":\"Secondary\",\"epoch\":4}",
            io.shardeddb.protocol.shard.Heartbeat.class);
    assertThat(older.primaryContactAgeMillis()).isZero();
    assertThat(older.primaryLost()).isFalse();
  }
}
