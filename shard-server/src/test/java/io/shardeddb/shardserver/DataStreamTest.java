package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.time.TimestampRequest;
import io.shardeddb.protocol.time.TimestampResponse;
import io.shardeddb.shardserver.replication.stream.ReplicationStreamServer;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The router's data channel on the stream port of real shard-servers (a majority-writing shard of
 * three): a data hello is welcomed with a credential the data endpoints take, calls run by the
 * endpoints' own code (the same answers, dedup by request id, 421 for another layout, 409 on a
 * secondary), many in flight at once answered by id; a replication hello keeps its own rules.
 */
class DataStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("data calls over the stream answer what the HTTP endpoints answer, pipelined")
  void dataCallsAnswerAsTheEndpointsDo() throws Exception {
    try (ThreeReplicaShard shard = new ThreeReplicaShard()) {
      shard.assignAll(1, 0);
      ThreeReplicaShard.awaitReady(shard);
      Replica primary = shard.get(0);
      int port = primary.bean(ReplicationStreamServer.class).port();
      Http.Reply offer = Http.get(primary.url() + DataFrames.OFFER_PATH);
      assertThat(offer.status()).isEqualTo(200);
      assertThat(offer.json().get("port").asInt()).isEqualTo(port);

      try (DataFrameClient c = new DataFrameClient(port, null)) {
        assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_DATA)).isZero();

        // One write, then the same request id over HTTP: deduplicated, the same outcome.
        String write = writeBody(1, "rid-1");
        c.call(7, DataFrames.WRITE, null, write);
        DataFrameClient.Frame answer = c.read();
        assertThat(answer.type())
            .as(answer.status() + " " + answer.text())
            .isEqualTo(DataFrames.ANSWER);
        assertThat(answer.id()).isEqualTo(7);
        JsonNode streamed = JSON.readTree(answer.text());
        assertThat(streamed.get("status").asText()).isEqualTo("success");
        Http.Reply again = Http.post(primary.url() + "/write", write);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("lsn")).isEqualTo(streamed.get("lsn"));

        // A layout that is not this shard's: 421, as X-Shard-Owned over HTTP.
        c.call(8, DataFrames.WRITE, "5000+10", writeBody(2, "rid-2"));
        DataFrameClient.Frame misdirected = c.read();
        assertThat(misdirected.type()).isEqualTo(DataFrames.REFUSED);
        assertThat(misdirected.id()).isEqualTo(8);
        assertThat(misdirected.status()).isEqualTo(421);

        // Malformed body: 400, and the connection goes on.
        c.call(9, DataFrames.WRITE, null, "{not json");
        assertThat(c.read().status()).isEqualTo(400);

        // Twenty writes in flight at once, then a batch and reads: every answer by its id.
        for (int i = 0; i < 20; i++) {
          c.call(100 + i, DataFrames.WRITE, "0+4096", writeBody(100 + i, "rid-" + (100 + i)));
        }
        Map<Long, DataFrameClient.Frame> byId = new HashMap<>();
        for (int i = 0; i < 20; i++) {
          DataFrameClient.Frame f = c.read();
          byId.put(f.id(), f);
        }
        assertThat(byId).hasSize(20);
        byId.values().forEach(f -> assertThat(f.status()).as(f.text()).isEqualTo(200));

        c.call(
            200,
            DataFrames.WRITE_BATCH,
            null,
            "{\"writes\":[" + writeBody(300, "rid-300") + "," + writeBody(1, "rid-dup") + "]}");
        JsonNode batch = JSON.readTree(c.read().text());
        assertThat(batch.get("results").get(0).get("status").asInt()).isEqualTo(200);
        assertThat(batch.get("results").get(1).get("status").asInt()).isEqualTo(409);

        c.call(
            201,
            DataFrames.READ,
            null,
            "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":100,\"high\":119}}");
        DataFrameClient.Frame readFrame = c.read();
        assertThat(readFrame.status()).as(readFrame.text()).isEqualTo(200);
        JsonNode read = JSON.readTree(readFrame.text());
        assertThat(read.get("data")).hasSize(20);
        Http.Reply overHttp =
            Http.post(
                primary.url() + "/read",
                "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":100,\"high\":119}," + "\"count\":false}");
        assertThat(read.get("data")).isEqualTo(overHttp.json().get("data"));

        c.call(
            202,
            DataFrames.READ_BATCH,
            null,
            "{\"reads\":[{\"shard\":\"sh1\",\"Stud_id\":{\"low\":300,\"high\":300}}]}");
        JsonNode readBatch = JSON.readTree(c.read().text());
        assertThat(readBatch.get("results").get(0).get("response").get("data")).hasSize(1);

        c.call(
            203,
            DataFrames.UPDATE,
            null,
            "{\"shard\":\"sh1\",\"Stud_id\":300,\"data\":{\"Stud_marks\":99},\"requestId\":\"u1\"}");
        assertThat(c.read().status()).isEqualTo(200);
        c.call(
            204,
            DataFrames.DELETE,
            null,
            "{\"shard\":\"sh1\",\"Stud_id\":300,\"requestId\":\"d1\"}");
        assertThat(c.read().status()).isEqualTo(200);

        // The timestamp oracle's slots (sh1 owns the lowest key: its primary is the oracle), on
        // the stream as over HTTP: consecutive, and later ones above earlier ones. The oracle
        // hands out none until it holds its lease (a lease period after its promotion).
        Http.Reply earlier =
            org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(
                    () -> Http.post(primary.url() + "/timestamps", "{\"count\":1}"),
                    r -> r.status() == 200);
        c.call(205, DataFrames.TIMESTAMPS, null, "{\"count\":3}");
        DataFrameClient.Frame slots = c.read();
        assertThat(slots.status()).as(slots.text()).isEqualTo(200);
        JsonNode streamedSlots = JSON.readTree(slots.text());
        assertThat(streamedSlots.get("count").asInt()).isEqualTo(3);
        assertThat(streamedSlots.get("first").asLong())
            .isGreaterThan(earlier.json().get("first").asLong());

        // An op this server does not know: 400 naming it (the router then calls over HTTP).
        c.call(206, (byte) 99, null, "{}");
        DataFrameClient.Frame unknown = c.read();
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(DataFrames.isUnknownCall(unknown.status(), unknown.text())).isTrue();

        c.ping();
        assertThat(c.read().type()).isEqualTo(DataFrames.PONG);
      }

      // A secondary answers a write as /write does there: 409 not primary.
      Replica secondary = shard.get(1);
      int secondaryPort = secondary.bean(ReplicationStreamServer.class).port();
      try (DataFrameClient c = new DataFrameClient(secondaryPort, null)) {
        assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_DATA)).isZero();
        c.call(1, DataFrames.WRITE, null, writeBody(400, "rid-400"));
        DataFrameClient.Frame f = c.read();
        assertThat(f.status()).isEqualTo(409);
        assertThat(f.text()).startsWith("not primary");
        // and hands out no timestamps: only the oracle shard's primary does.
        c.call(2, DataFrames.TIMESTAMPS, null, "{\"count\":1}");
        DataFrameClient.Frame notOracle = c.read();
        assertThat(notOracle.status()).as(notOracle.text()).isEqualTo(409);
      }
    }
  }

  @Test
  @DisplayName(
      "typed calls (issue 48) answer what the JSON calls and the HTTP endpoints answer, and a"
          + " router that asks for none gets the welcome and JSON calls as before")
  void typedCallsAnswerAsTheJsonCallsDo() throws Exception {
    try (ThreeReplicaShard shard = new ThreeReplicaShard()) {
      shard.assignAll(1, 0);
      ThreeReplicaShard.awaitReady(shard);
      Replica primary = shard.get(0);
      int port = primary.bean(ReplicationStreamServer.class).port();

      // An older router: no typed bodies asked, a welcome of type and id only, JSON calls.
      try (DataFrameClient c = new DataFrameClient(port, null)) {
        c.hello("Bearer " + Http.TOKEN, DataFrames.KIND_DATA);
        DataFrameClient.Frame welcome = c.read();
        assertThat(welcome.type()).isEqualTo(DataFrames.WELCOME);
        assertThat(welcome.rest()).isEmpty();
        c.call(1, DataFrames.WRITE, null, writeBody(50, "rid-50"));
        assertThat(c.read().type()).isEqualTo(DataFrames.ANSWER);
      }

      try (DataFrameClient c = new DataFrameClient(port, null)) {
        c.hello("Bearer " + Http.TOKEN, DataFrames.KIND_DATA, (byte) 7);
        DataFrameClient.Frame welcome = c.read();
        assertThat(welcome.type()).isEqualTo(DataFrames.WELCOME);
        assertThat(welcome.rest()).as("granted: this build's version").containsExactly(1);

        // One typed write, then the same request id as JSON on the stream and over HTTP: one
        // outcome, the same LSN, whichever form a retry takes.
        ShardWriteRequest one = typedWrite(1, "trid-1");
        c.typedCall(7, DataFrames.WRITE, null, one);
        DataFrameClient.Frame answer = c.read();
        assertThat(answer.type())
            .as(answer.status() + " " + answer.text())
            .isEqualTo(DataFrames.TYPED_ANSWER);
        assertThat(answer.id()).isEqualTo(7);
        ShardWriteResponse written = (ShardWriteResponse) answer.typedAnswer(DataFrames.WRITE);
        assertThat(written.status()).isEqualTo("success");
        assertThat(written.lsn()).isPositive();
        // As a router sends it as JSON: the Decimal as its text (DecimalWire).
        Map<String, Object> jsonRow = new LinkedHashMap<>(one.data().get(0));
        jsonRow.put("gpa", ((BigDecimal) jsonRow.get("gpa")).toPlainString());
        String sameAsJson =
            JSON.writeValueAsString(new ShardWriteRequest("sh1", 0, List.of(jsonRow), "trid-1"));
        c.call(8, DataFrames.WRITE, null, sameAsJson);
        JsonNode jsonAgain = JSON.readTree(c.read().text());
        assertThat(jsonAgain.get("lsn").asLong()).isEqualTo(written.lsn());
        Http.Reply httpAgain = Http.post(primary.url() + "/write", sameAsJson);
        assertThat(httpAgain.json().get("lsn").asLong()).isEqualTo(written.lsn());

        // Another layout: 421, as X-Shard-Owned; a duplicate key in a typed batch fails only
        // its item.
        c.typedCall(9, DataFrames.WRITE, "5000+10", typedWrite(2, "trid-2"));
        DataFrameClient.Frame misdirected = c.read();
        assertThat(misdirected.type()).isEqualTo(DataFrames.REFUSED);
        assertThat(misdirected.status()).isEqualTo(421);
        c.typedCall(
            10,
            DataFrames.WRITE_BATCH,
            "0+4096",
            new ShardWriteBatchRequest(List.of(typedWrite(2, "trid-3"), typedWrite(1, "trid-4"))));
        ShardWriteBatchResponse batch =
            (ShardWriteBatchResponse) c.read().typedAnswer(DataFrames.WRITE_BATCH);
        assertThat(batch.results())
            .extracting(ShardWriteBatchResponse.Result::status)
            .containsExactly(200, 409);

        // Reads: the rows the HTTP endpoint answers, the Decimal with every digit it was given.
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("shard", "sh1");
        range.put("Stud_id", Map.of("low", 1L, "high", 2L));
        c.typedCall(11, DataFrames.READ, null, range);
        ShardReadResponse read = (ShardReadResponse) c.read().typedAnswer(DataFrames.READ);
        assertThat(read.data()).hasSize(2);
        assertThat(read.data().get(0))
            .containsEntry("Stud_id", 1L)
            .containsEntry("Stud_name", "typed ü 😀 1")
            .containsEntry("gpa", "1234567890123456789012345678.123456789")
            .containsEntry("active", false);
        Http.Reply overHttp =
            Http.post(
                primary.url() + "/read", "{\"shard\":\"sh1\",\"Stud_id\":{\"low\":1,\"high\":2}}");
        assertThat(JSON.readTree(JSON.writeValueAsString(read.data())))
            .isEqualTo(overHttp.json().get("data"));
        assertThat(read.lsn()).isEqualTo(overHttp.json().get("lsn").asLong());

        c.typedCall(
            12,
            DataFrames.READ_BATCH,
            null,
            new ShardReadBatchRequest(
                List.of(
                    Map.of("shard", "sh1", "Stud_id", Map.of("low", 2L, "high", 2L)),
                    Map.of("shard", "sh9", "Stud_id", Map.of("low", 2L, "high", 2L)))));
        ShardReadBatchResponse reads =
            (ShardReadBatchResponse) c.read().typedAnswer(DataFrames.READ_BATCH);
        assertThat(reads.results().get(0).status()).isEqualTo(200);
        assertThat(reads.results().get(0).response().data())
            .singleElement()
            .satisfies(row -> assertThat(row).containsEntry("Stud_id", 2L));
        assertThat(reads.results().get(1).status())
            .isEqualTo(overHttpStatusOfAnotherShard(primary));

        // The oracle's slots, typed.
        Http.Reply earlier =
            org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(
                    () -> Http.post(primary.url() + "/timestamps", "{\"count\":1}"),
                    r -> r.status() == 200);
        c.typedCall(13, DataFrames.TIMESTAMPS, null, new TimestampRequest(3));
        TimestampResponse slots = (TimestampResponse) c.read().typedAnswer(DataFrames.TIMESTAMPS);
        assertThat(slots.count()).isEqualTo(3);
        assertThat(slots.first()).isGreaterThan(earlier.json().get("first").asLong());

        // A typed call of an op without a typed body: refused as unknown (the router then makes
        // it over HTTP); a malformed typed body: 400; and the connection goes on.
        c.raw(
            new byte[] {
              DataFrames.TYPED_CALL, 0, 0, 0, 0, 0, 0, 0, 14, DataFrames.UPDATE, -1, -1, -1, -1
            });
        DataFrameClient.Frame unknown = c.read();
        assertThat(DataFrames.isUnknownCall(unknown.status(), unknown.text())).isTrue();
        c.raw(
            new byte[] {
              DataFrames.TYPED_CALL, 0, 0, 0, 0, 0, 0, 0, 15, DataFrames.WRITE, -1, -1, -1, -1, 77
            });
        DataFrameClient.Frame malformed = c.read();
        assertThat(malformed.id()).isEqualTo(15);
        assertThat(malformed.status()).isEqualTo(400);
        c.ping();
        assertThat(c.read().type()).isEqualTo(DataFrames.PONG);
      }

      // A secondary answers a typed write as /write does there: 409 not primary.
      int secondaryPort = shard.get(1).bean(ReplicationStreamServer.class).port();
      try (DataFrameClient c = new DataFrameClient(secondaryPort, null)) {
        c.hello("Bearer " + Http.TOKEN, DataFrames.KIND_DATA, DataFrames.TYPED_BODIES);
        assertThat(c.read().type()).isEqualTo(DataFrames.WELCOME);
        c.typedCall(1, DataFrames.WRITE, null, typedWrite(400, "trid-400"));
        DataFrameClient.Frame f = c.read();
        assertThat(f.status()).isEqualTo(409);
        assertThat(f.text()).startsWith("not primary");
      }
    }
  }

  /** The status {@code /read} over HTTP answers for a shard this server does not hold. */
  private static int overHttpStatusOfAnotherShard(Replica primary) throws Exception {
    return Http.post(
            primary.url() + "/read", "{\"shard\":\"sh9\",\"Stud_id\":{\"low\":2,\"high\":2}}")
        .status();
  }

  /** A write of one row as the router sends it typed: a Decimal as a BigDecimal of 38 digits. */
  private static ShardWriteRequest typedWrite(long key, String requestId) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_id", key);
    row.put("Stud_name", "typed ü 😀 " + key);
    row.put("Stud_marks", key % 100);
    row.put("gpa", new BigDecimal("1234567890123456789012345678.1234567890"));
    row.put("active", key % 2 == 0);
    return new ShardWriteRequest("sh1", 0, List.of(row), requestId);
  }

  @Test
  @DisplayName("a data hello needs a credential the data endpoints take; kinds are checked")
  void theDataHelloChecksTheCredential() throws Exception {
    try (ThreeReplicaShard shard = new ThreeReplicaShard()) {
      int port = shard.get(0).bean(ReplicationStreamServer.class).port();
      try (DataFrameClient c = new DataFrameClient(port, null)) {
        assertThat(c.helloStatus("Bearer wrong", DataFrames.KIND_DATA)).isEqualTo(401);
      }
      try (DataFrameClient c = new DataFrameClient(port, null)) {
        assertThat(c.helloStatus("Bearer " + Http.TOKEN, (byte) 9)).isEqualTo(400);
      }
      // The replication hello of version 2 still works (kind replication).
      try (DataFrameClient c = new DataFrameClient(port, null)) {
        assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_REPLICATION)).isZero();
      }
    }
  }

  private static String writeBody(long key, String requestId) {
    return "{\"shard\":\"sh1\",\"curr_idx\":0,\"requestId\":\""
        + requestId
        + "\",\"data\":["
        + row(key)
        + "]}";
  }
}
