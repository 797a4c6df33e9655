package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.row;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.logging.JsonLineEncoder;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.shardserver.replication.stream.ReplicationStreamServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A primary logs each client write under the request id the router logged the client's request with
 * (the write's {@code clientRequestId}; docs/monitoring.md, "Logs"): over HTTP and over the data
 * stream, per item of a batch, and only while that write is handled. The lines are read as the JSON
 * a pod writes ({@link JsonLineEncoder}), so the field is {@code mdc.requestId} as on the router's
 * lines.
 */
class WriteRequestIdLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOGGER = "io.shardeddb.shardserver.http.WriteLines";

  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;
  private Level levelBefore;

  @BeforeEach
  void captureTheWriteLines() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(lines);
    appender.start();
    Logger logger = context.getLogger(LOGGER);
    levelBefore = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
  }

  @AfterEach
  void stopCapturing() {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(LOGGER);
    logger.detachAppender(appender);
    logger.setLevel(levelBefore);
    appender.stop();
  }

  @Test
  @DisplayName("a write's line on the primary carries the router's request id, HTTP and stream")
  void theWriteLinesCarryTheRoutersRequestId() throws Exception {
    try (ThreeReplicaShard shard = new ThreeReplicaShard()) {
      shard.assignAll(1, 0);
      ThreeReplicaShard.awaitReady(shard);
      Replica primary = shard.get(0);

      Http.Reply overHttp =
          Http.post(primary.url() + "/write", writeBody(1, "w-http", "\"order-17\""));
      assertThat(overHttp.status()).as(overHttp.raw()).isEqualTo(200);

      int port = primary.bean(ReplicationStreamServer.class).port();
      try (DataFrameClient c = new DataFrameClient(port, null)) {
        assertThat(c.helloStatus("Bearer " + Http.TOKEN, DataFrames.KIND_DATA)).isZero();
        c.call(1, DataFrames.WRITE, null, writeBody(2, "w-stream", "\"order-18\""));
        assertThat(c.read().status()).isEqualTo(200);
        // A coalesced batch: each item under its own client's id, a refused one too (key 2 held).
        c.call(
            2,
            DataFrames.WRITE_BATCH,
            null,
            "{\"writes\":["
                + writeBody(3, "w-batch-a", "\"order-19\"")
                + ","
                + writeBody(2, "w-batch-b", "\"order-20\"")
                + "]}");
        JsonNode batch = JSON.readTree(c.read().text());
        assertThat(batch.get("results").get(1).get("status").asInt()).isEqualTo(409);
        // No id, or one that is not a sane token: the line carries none (nothing left over from
        // the calls before on the same threads, no forged text in a plain line).
        c.call(3, DataFrames.WRITE, null, writeBody(4, "w-none", "null"));
        assertThat(c.read().status()).isEqualTo(200);
        c.call(4, DataFrames.WRITE, null, writeBody(5, "w-bad", "\"a b\\nINFO forged\""));
        assertThat(c.read().status()).isEqualTo(200);
      }

      List<JsonNode> logged = logged();
      assertThat(requestIdOf(logged, "w-http")).isEqualTo("order-17");
      assertThat(requestIdOf(logged, "w-stream")).isEqualTo("order-18");
      assertThat(requestIdOf(logged, "w-batch-a")).isEqualTo("order-19");
      assertThat(requestIdOf(logged, "w-batch-b")).isEqualTo("order-20");
      assertThat(line(logged, "w-batch-b").get("formattedMessage").asText())
          .contains("refused: 409");
      assertThat(line(logged, "w-stream").get("formattedMessage").asText())
          .contains("acknowledged at epoch 1 lsn");
      assertThat(requestIdOf(logged, "w-none")).isNull();
      assertThat(requestIdOf(logged, "w-bad")).isNull();
    }
  }

  private static String writeBody(long key, String requestId, String clientRequestIdJson) {
    return "{\"shard\":\"sh1\",\"requestId\":\""
        + requestId
        + "\",\"clientRequestId\":"
        + clientRequestIdJson
        + ",\"data\":["
        + row(key)
        + "]}";
  }

  private List<JsonNode> logged() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** The one line about the write with id {@code writeId}. */
  private static JsonNode line(List<JsonNode> logged, String writeId) {
    List<JsonNode> found =
        logged.stream()
            .filter(l -> l.get("formattedMessage").asText().startsWith("write " + writeId + " "))
            .toList();
    assertThat(found).as("the lines about write %s in %s", writeId, logged).hasSize(1);
    return found.get(0);
  }

  /** Its {@code mdc.requestId} (null: none). */
  private static String requestIdOf(List<JsonNode> logged, String writeId) {
    JsonNode id = line(logged, writeId).path("mdc").get("requestId");
    return id == null ? null : id.asText();
  }
}
