package io.shardeddb.shardserver.datastream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.stream.DataBodies;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.stream.Frames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data channel's server frames, byte for byte ({@link DataStreamHandler} on an embedded
 * channel): the hex below was written by the handler as it stood before the framing helpers moved
 * to {@code protocol/} (issue 29), so sharing the code cannot change a byte a router reads.
 */
class DataWireGoldenTest {
  static final String PONG_HEX = "090000000000000000";
  static final String ANSWER_HEX =
      "070000000000000007000000197b226f70223a312c226f776e6564223a22302b34303936227d";
  static final String REFUSED_HEX =
      "050000000000000009000001a500000000000000030000001572616e676520302b34303936206d6f76656420c3bc";
  static final String BAD_TYPE_HEX =
      "05000000000000000b00000190ffffffffffffffff0000002c756e6578706563746564206672616d652074797065203432206f6e207468652064617461206368616e6e656c";

  /**
   * A typed {@code /write} answer ({@code ShardWriteResponse("1 Data entries added", 4, "success",
   * 42, 3, 2, 3, 77)}), as the handler wrote it when typed bodies came (issue 48).
   */
  static final String TYPED_ANSWER_HEX =
      "0b000000000000000c0b00000008080000001431204461746120656e7472696573206164646564030000000408000000077375636365737304000000000000002a0400000000000000030300000002030000000304000000000000004d";

  /**
   * Answers {@code {"op":N,"owned":..}} for op 1, refuses op 2 with 421; typed, answers a write
   * with {@link #WRITTEN} and a read with a row holding a value without a typed encoding.
   */
  private static final class Stub extends DataCalls {
    static final ShardWriteResponse WRITTEN =
        new ShardWriteResponse("1 Data entries added", 4, "success", 42L, 3L, 2, 3, 77L);
    byte[] seenBody;
    Object seenTyped;
    String seenOwned;

    Stub() {
      super(null, null, null, null, null);
    }

    @Override
    public byte[] call(byte op, String owned, byte[] body) {
      seenBody = body;
      if (op == DataFrames.WRITE_BATCH) {
        throw new Failed(421, "range 0+4096 moved ü", 3);
      }
      return ("{\"op\":" + op + ",\"owned\":\"" + owned + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object typed(byte op, String owned, Object body) {
      seenTyped = body;
      seenOwned = owned;
      if (op == DataFrames.WRITE_BATCH) {
        throw new Failed(421, "range 0+4096 moved ü", 3);
      }
      if (op == DataFrames.READ) {
        return new ShardReadResponse(
            List.of(Map.of("k", 1L, "odd", 1.5f)), "success", 1L, 1L, 1L, null);
      }
      return WRITTEN;
    }

    @Override
    public byte[] json(Object answer) throws java.io.IOException {
      return JsonMapper.createDefault().writeValueAsBytes(answer);
    }
  }

  private final Stub calls = new Stub();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new DataStreamHandler(calls, Runnable::run));

  private String answer(ByteBuf in) {
    channel.writeInbound(in);
    ByteBuf out = channel.readOutbound();
    try {
      return ByteBufUtil.hexDump(out);
    } finally {
      out.release();
    }
  }

  private static ByteBuf call(long id, byte op, String owned, String body) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(DataFrames.CALL).writeLong(id).writeByte(op);
    byte[] o = owned.getBytes(StandardCharsets.UTF_8);
    b.writeInt(o.length).writeBytes(o);
    byte[] j = body.getBytes(StandardCharsets.UTF_8);
    b.writeInt(j.length).writeBytes(j);
    return b;
  }

  @Test
  void aPingIsAnsweredAsBefore() {
    assertThat(answer(Unpooled.buffer().writeByte(DataFrames.PING).writeLong(0)))
        .isEqualTo(PONG_HEX);
  }

  @Test
  void aCallIsAnsweredAsBefore() {
    assertThat(answer(call(7, DataFrames.WRITE, "0+4096", "{\"k\":1}"))).isEqualTo(ANSWER_HEX);
    assertThat(new String(calls.seenBody, StandardCharsets.UTF_8)).isEqualTo("{\"k\":1}");
  }

  private ByteBuf typedCall(long id, byte op, String owned, Object body) {
    return DataFrames.typedCall(UnpooledByteBufAllocator.DEFAULT, id, op, owned, body);
  }

  @Test
  void aTypedCallIsDecodedWhollyAndAnsweredTyped() {
    ShardWriteRequest write =
        new ShardWriteRequest("sh1", 0, List.of(Map.of("Stud_id", 5L)), "rid-5");
    String hex = answer(typedCall(12, DataFrames.WRITE, "0+4096", write));
    assertThat(hex).isEqualTo(TYPED_ANSWER_HEX);
    assertThat(calls.seenTyped).isEqualTo(write);
    assertThat(calls.seenOwned).isEqualTo("0+4096");
    ByteBuf frame = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    assertThat(frame.readByte()).isEqualTo(DataFrames.TYPED_ANSWER);
    assertThat(frame.readLong()).isEqualTo(12);
    assertThat(DataBodies.readAnswer(frame, DataFrames.WRITE)).isEqualTo(Stub.WRITTEN);
  }

  @Test
  void aTypedCallsFailureIsRefusedAsACallsIs() {
    String hex =
        answer(
            typedCall(9, DataFrames.WRITE_BATCH, "0+4096", new ShardWriteBatchRequest(List.of())));
    assertThat(hex).isEqualTo(REFUSED_HEX);
  }

  @Test
  void anAnswerWithAValueWithoutATypedEncodingGoesAsItsJson() {
    Map<String, Object> read = Map.of("shard", "sh1");
    ByteBuf frame =
        Unpooled.wrappedBuffer(
            ByteBufUtil.decodeHexDump(answer(typedCall(13, DataFrames.READ, null, read))));
    assertThat(frame.readByte()).isEqualTo(DataFrames.ANSWER);
    assertThat(frame.readLong()).isEqualTo(13);
    assertThat(new String(Frames.readBytes(frame), StandardCharsets.UTF_8)).contains("\"odd\":1.5");
  }

  @Test
  void aTypedCallOfAnOpWithoutATypedBodyIsRefusedAsUnknown() {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(DataFrames.TYPED_CALL).writeLong(14).writeByte(DataFrames.TXN).writeInt(-1);
    ByteBuf out = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(answer(b)));
    assertThat(out.readByte()).isEqualTo(DataFrames.REFUSED);
    assertThat(out.readLong()).isEqualTo(14);
    Frames.Refusal refusal = Frames.readRefusal(out);
    assertThat(DataFrames.isUnknownCall(refusal.status(), refusal.message())).isTrue();
  }

  @Test
  void aFailedCallIsRefusedAsBefore() {
    assertThat(answer(call(9, DataFrames.WRITE_BATCH, "0+4096", "{}"))).isEqualTo(REFUSED_HEX);
  }

  @Test
  void anUnexpectedFrameIsRefusedAsBefore() {
    assertThat(answer(Unpooled.buffer().writeByte(42).writeLong(11))).isEqualTo(BAD_TYPE_HEX);
  }
}
