package io.shardeddb.shardserver;

import static io.shardeddb.shardserver.ThreeReplicaShard.checksum;
import static io.shardeddb.shardserver.ThreeReplicaShard.heartbeat;
import static io.shardeddb.shardserver.ThreeReplicaShard.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.shardserver.replication.stream.ReplicationStreamServer;
import io.shardeddb.shardserver.replication.stream.StreamPeerTransport;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code /replicate} over the binary replication stream between real shard-servers: writes are
 * acknowledged by quorum and equal everywhere with the requests on the stream, a server that does
 * not offer it is called over HTTP, and the stream takes only the shard credential.
 */
class ReplicationStreamTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  @DisplayName("with the stream on, concurrent majority writes replicate over it and converge")
  void writesReplicateOverTheStream() throws Exception {
    try (ThreeReplicaShard shard =
        new ThreeReplicaShard(
            ThreeReplicaShard.CONFIG, Map.of("shardeddb.replication.stream", "true"))) {
      shard.assignAll(1, 0);
      awaitReady(shard);
      Replica primary = shard.get(0);
      writeConcurrently(primary, 0, 200);

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary));
                assertThat(checksum(shard.get(2))).isEqualTo(checksum(primary));
              });
      assertThat(checksum(primary).get("rows").asLong()).isEqualTo(200);
      assertThat(primary.bean(StreamPeerTransport.class).streamedAnswers()).isPositive();
      assertThat(primary.bean(StreamPeerTransport.class).httpRequests()).isZero();
    }
  }

  @Test
  @DisplayName("secondaries that do not offer the stream are called over HTTP")
  void withoutTheOfferReplicationFallsBackToHttp() throws Exception {
    try (ThreeReplicaShard shard =
        new ThreeReplicaShard(
            ThreeReplicaShard.CONFIG,
            Map.of(
                "shardeddb.replication.stream", "true",
                "shardeddb.replication.stream-port", "-1"))) {
      shard.assignAll(1, 0);
      awaitReady(shard);
      Replica primary = shard.get(0);
      assertThat(Http.get(shard.get(1).url() + "/replicate/stream").status()).isEqualTo(404);

      writeConcurrently(primary, 0, 50);

      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(checksum(shard.get(1))).isEqualTo(checksum(primary)));
      assertThat(primary.bean(StreamPeerTransport.class).streamedAnswers()).isZero();
      assertThat(primary.bean(StreamPeerTransport.class).httpRequests()).isPositive();
    }
  }

  @Test
  @DisplayName("the stream refuses a connection without the shard credential and closes it")
  void theStreamTakesOnlyTheShardCredential() throws Exception {
    try (ThreeReplicaShard shard = new ThreeReplicaShard()) {
      int port = shard.get(1).bean(ReplicationStreamServer.class).port();
      Http.Reply offer = Http.get(shard.get(1).url() + "/replicate/stream");
      assertThat(offer.status()).isEqualTo(200);
      assertThat(offer.json().get("port").asInt()).isEqualTo(port);

      assertThat(hello(port, "Bearer wrong")).isEqualTo(401);
      assertThat(hello(port, "Bearer " + Http.TOKEN)).isEqualTo(0);
    }
  }

  /** Sends a hello frame; the status of the refusal, or 0 when welcomed. */
  private static int hello(int port, String authorization) throws Exception {
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
      s.setSoTimeout(5_000);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream frame = new DataOutputStream(body);
      byte[] auth = authorization.getBytes(StandardCharsets.UTF_8);
      frame.writeByte(1);
      frame.writeLong(0);
      frame.writeInt(1);
      frame.writeInt(auth.length);
      frame.write(auth);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(body.size());
      body.writeTo(out);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      in.readInt();
      byte type = in.readByte();
      in.readLong();
      return type == 2 ? 0 : in.readInt();
    }
  }

  private static void writeConcurrently(Replica primary, long from, long to) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      for (long k = from; k < to; k++) {
        long key = k;
        replies.add(clients.submit(() -> write(primary, key)));
      }
      for (Future<Http.Reply> f : replies) {
        Http.Reply r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("acks").asInt()).as(r.raw()).isBetween(2, 3);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private static void awaitReady(ThreeReplicaShard shard) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (int i = 0; i < 3; i++) {
                assertThat(heartbeat(shard.get(i)).get("state").asText()).isEqualTo("Ready");
              }
            });
  }
}
