package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.shardserver.replication.stream.ReplicationStreamServer;
import java.util.HashMap;
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
