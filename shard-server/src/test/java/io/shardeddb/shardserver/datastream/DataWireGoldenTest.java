package io.shardeddb.shardserver.datastream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shardeddb.protocol.stream.DataFrames;
import java.nio.charset.StandardCharsets;
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

  /** Answers {@code {"op":N,"owned":..}} for op 1, refuses op 2 with 421. */
  private static final class Stub extends DataCalls {
    byte[] seenBody;

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

  @Test
  void aFailedCallIsRefusedAsBefore() {
    assertThat(answer(call(9, DataFrames.WRITE_BATCH, "0+4096", "{}"))).isEqualTo(REFUSED_HEX);
  }

  @Test
  void anUnexpectedFrameIsRefusedAsBefore() {
    assertThat(answer(Unpooled.buffer().writeByte(42).writeLong(11))).isEqualTo(BAD_TYPE_HEX);
  }
}
