package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBufUtil;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.stream.DataFrames;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The router's data stream client frames, byte for byte, against a plain socket: the hex below was
 * written by {@link ShardStream} as it stood before the framing helpers moved to {@code protocol/}
 * (issue 29), so sharing the code cannot change a byte a shard-server reads; and the server frames
 * of the same hex are read back as the answer and the refusal they carry. A router that asks for no
 * typed bodies writes exactly those bytes still; one that asks (issue 48) writes the hello one byte
 * longer and, once granted, the typed calls pinned here.
 */
class ShardStreamWireGoldenTest {
  /** The hello before typed bodies (issue 48): what a router that asks for none still writes. */
  static final String HELLO_HEX = "010000000000000000000000020000000b4265617265722074c3b66b02";

  /** The hello asking for typed bodies of version 1: the one before and one byte more. */
  static final String TYPED_HELLO_HEX = HELLO_HEX + "01";

  /** A typed {@code /write} of {@code ShardWriteRequest("sh1", 0, [{Stud_id: 5}], "rid-5")}. */
  static final String TYPED_CALL_HEX =
      "0a00000000000000010100000006302b343039360b00000008080000000373683103000000000b000000010a0000000100000007537475645f696404000000000000000508000000057269642d3500000000";

  /** A JSON call (an op without a typed body) on the same connection. */
  static final String UPDATE_CALL_HEX =
      "06000000000000000205ffffffff0000000d7b22537475645f6964223a357d";

  static final String CALL_HEX = "0600000000000000010100000006302b34303936000000077b226b223a317d";
  static final String CALL_NO_OWNED_HEX = "06000000000000000203ffffffff000000077b226b223a327d";

  private static byte[] frame(DataInputStream in) throws Exception {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  private static void send(DataOutputStream out, String hex) throws Exception {
    byte[] b = ByteBufUtil.decodeHexDump(hex);
    out.writeInt(b.length);
    out.write(b);
    out.flush();
  }

  /**
   * A router asking for typed bodies of a server that grants them: the hello one byte longer, the
   * hot calls typed, the others JSON; the typed answer read back as the call's type. A server from
   * before typed bodies welcomes as before and gets JSON calls (the test below, and {@code
   * ShardServerClientCoalescingOverStreamTest}).
   */
  @Test
  void typedBodiesOnceGrantedAndTheirAnswersReadBack() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ShardStream stream =
            new ShardStream(
                url -> Mono.just(new DataStreamOffer(server.getLocalPort())),
                () -> "Bearer tök",
                null,
                null,
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                new StreamCalls(JsonMapper.createDefault(), DataFrames.TYPED_BODIES))) {
      String url = "http://127.0.0.1:" + server.getLocalPort();
      CompletableFuture<String[]> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(15_000);
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  DataOutputStream out = new DataOutputStream(s.getOutputStream());
                  String hello = ByteBufUtil.hexDump(frame(in));
                  // WELCOME granting typed bodies of version 1.
                  send(out, "02" + "0000000000000000" + "01");
                  String call = ByteBufUtil.hexDump(frame(in));
                  // TYPED_ANSWER id 1: DataWireGoldenTest's written answer.
                  send(out, "0b" + "0000000000000001" + WRITTEN_HEX);
                  String update = ByteBufUtil.hexDump(frame(in));
                  // ANSWER id 2: {"lsn":6}
                  send(out, "07" + "0000000000000002" + "00000009" + "7b226c736e223a367d");
                  Thread.sleep(200);
                  return new String[] {hello, call, update};
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      stream.warm(url);
      Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> stream.connected(url));

      ShardWriteResponse written =
          stream
              .call(
                  url,
                  DataFrames.WRITE,
                  "0+4096",
                  new ShardWriteRequest("sh1", 0, List.of(Map.of("Stud_id", 5L)), "rid-5"),
                  Argument.of(ShardWriteResponse.class))
              .block(Duration.ofSeconds(15));
      assertThat(written)
          .isEqualTo(
              new ShardWriteResponse("1 Data entries added", 4, "success", 42L, 3L, 2, 3, 77L));
      ShardWriteResponse updated =
          stream
              .call(
                  url,
                  DataFrames.UPDATE,
                  null,
                  Map.of("Stud_id", 5),
                  Argument.of(ShardWriteResponse.class))
              .block(Duration.ofSeconds(15));
      assertThat(updated.lsn()).isEqualTo(6);

      assertThat(List.of(seen.get(15, TimeUnit.SECONDS)))
          .as("hello, typed call, JSON call")
          .containsExactly(TYPED_HELLO_HEX, TYPED_CALL_HEX, UPDATE_CALL_HEX);
    }
  }

  /** A typed written answer's body (after type and id), as DataWireGoldenTest pins it. */
  static final String WRITTEN_HEX =
      "0b00000008080000001431204461746120656e7472696573206164646564030000000408000000077375636365737304000000000000002a0400000000000000030300000002030000000304000000000000004d";

  @Test
  void theHelloAndCallsAreWrittenAsBeforeAndAnswersReadBack() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ShardStream stream =
            new ShardStream(
                url -> Mono.just(new DataStreamOffer(server.getLocalPort())),
                () -> "Bearer tök",
                null,
                null,
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                new StreamCalls(JsonMapper.createDefault(), (byte) 0))) {
      String url = "http://127.0.0.1:" + server.getLocalPort();
      CompletableFuture<String[]> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(15_000);
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  DataOutputStream out = new DataOutputStream(s.getOutputStream());
                  String hello = ByteBufUtil.hexDump(frame(in));
                  send(out, "02" + "0000000000000000");
                  String call = ByteBufUtil.hexDump(frame(in));
                  // ANSWER id 1: {"n":5}
                  send(out, "07" + "0000000000000001" + "00000007" + "7b226e223a357d");
                  String call2 = ByteBufUtil.hexDump(frame(in));
                  // REFUSED id 2: 421, epoch 3, "moved"
                  send(
                      out,
                      "05"
                          + "0000000000000002"
                          + "000001a5"
                          + "0000000000000003"
                          + "00000005"
                          + "6d6f766564");
                  Thread.sleep(200);
                  return new String[] {hello, call, call2};
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      stream.warm(url);
      Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> stream.connected(url));

      Map<String, Object> answer =
          stream
              .call(
                  url,
                  DataFrames.WRITE,
                  "0+4096",
                  Map.of("k", 1),
                  Argument.mapOf(String.class, Object.class))
              .block(Duration.ofSeconds(15));
      assertThat(answer).isEqualTo(Map.of("n", 5));
      Mono<Map<String, Object>> refused =
          stream.call(
              url,
              DataFrames.READ,
              null,
              Map.of("k", 2),
              Argument.mapOf(String.class, Object.class));
      ShardServerException refusal = null;
      try {
        refused.block(Duration.ofSeconds(15));
      } catch (ShardServerException e) {
        refusal = e;
      }
      assertThat(refusal).isNotNull();
      assertThat(refusal.status()).isEqualTo(421);
      assertThat(refusal.getMessage()).contains("moved");

      String[] frames = seen.get(15, TimeUnit.SECONDS);
      assertThat(List.of(frames))
          .as("hello, call, call without owned")
          .containsExactly(HELLO_HEX, CALL_HEX, CALL_NO_OWNED_HEX);
    }
  }
}
