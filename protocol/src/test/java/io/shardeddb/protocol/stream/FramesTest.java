package io.shardeddb.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The shared framing: each hello as both channels wrote it before {@link Frames} (the replication
 * hello is version 1 with no kind, what every secondary reads), and what the readers make of every
 * hello, call, answer and refusal.
 */
class FramesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static String hex(ByteBuf b) {
    try {
      return ByteBufUtil.hexDump(b);
    } finally {
      b.release();
    }
  }

  @Test
  void theReplicationHelloIsVersionOneWithoutAKind() {
    assertThat(hex(Frames.hello(ALLOC, Frames.KIND_REPLICATION, "Bearer x")))
        .isEqualTo("01" + "0000000000000000" + "00000001" + "00000008" + "4265617265722078");
  }

  @Test
  void theDataHelloIsVersionTwoWithItsKind() {
    // As ShardStreamWireGoldenTest saw the router write it before the change.
    assertThat(hex(Frames.hello(ALLOC, Frames.KIND_DATA, "Bearer tök")))
        .isEqualTo("010000000000000000000000020000000b4265617265722074c3b66b02");
  }

  @Test
  void hellosAreReadWithTheirKind() {
    ByteBuf replication = Frames.hello(ALLOC, Frames.KIND_REPLICATION, null).skipBytes(9);
    assertThat(Frames.readHello(replication))
        .isEqualTo(new Frames.Hello(1, null, Frames.KIND_REPLICATION));
    ByteBuf data = Frames.hello(ALLOC, Frames.KIND_DATA, "t").skipBytes(9);
    assertThat(Frames.readHello(data)).isEqualTo(new Frames.Hello(2, "t", Frames.KIND_DATA));
    ByteBuf twoWithoutKind = Unpooled.buffer().writeInt(2).writeInt(-1);
    assertThat(Frames.readHello(twoWithoutKind).kind()).isEqualTo(Frames.KIND_UNKNOWN);
    ByteBuf three = Unpooled.buffer().writeInt(3).writeInt(-1).writeByte(Frames.KIND_DATA);
    assertThat(Frames.readHello(three).kind()).isEqualTo(Frames.KIND_UNKNOWN);
  }

  @Test
  void typedBodiesAreNegotiatedByAByteEachSideBeforeThemIgnores() {
    // A router asking for typed bodies: the hello as before, one byte more, which a server
    // before them leaves unread (Frames.readHello is all it reads of a hello).
    ByteBuf asking = DataFrames.hello(ALLOC, "Bearer tök", DataFrames.TYPED_BODIES);
    assertThat(ByteBufUtil.hexDump(asking))
        .isEqualTo("010000000000000000000000020000000b4265617265722074c3b66b02" + "01");
    asking.skipBytes(9);
    assertThat(Frames.readHello(asking))
        .isEqualTo(new Frames.Hello(2, "Bearer tök", Frames.KIND_DATA));
    assertThat(DataFrames.readBodies(asking)).isEqualTo((byte) 1);
    asking.release();
    // A router asking for none writes the hello before them, and reads as asking for none.
    ByteBuf none = DataFrames.hello(ALLOC, "Bearer tök", (byte) 0);
    assertThat(ByteBufUtil.hexDump(none))
        .isEqualTo("010000000000000000000000020000000b4265617265722074c3b66b02");
    Frames.readHello(none.skipBytes(9));
    assertThat(DataFrames.readBodies(none)).isZero();
    none.release();

    // The server grants the lower of the two versions; its welcome carries the grant only when
    // there is one, so a router before typed bodies reads the welcome it always read.
    assertThat(DataFrames.granted((byte) 9)).isEqualTo(DataFrames.TYPED_BODIES);
    assertThat(DataFrames.granted((byte) 0)).isZero();
    assertThat(DataFrames.granted((byte) -3)).isZero();
    assertThat(hex(DataFrames.welcome(ALLOC, (byte) 0))).isEqualTo("020000000000000000");
    assertThat(hex(DataFrames.welcome(ALLOC, (byte) 1))).isEqualTo("02000000000000000001");
  }

  @Test
  void callsAnswersAndRefusalsReadBackWhatWasWritten() {
    byte[] body = "{\"k\":\"ü\"}".getBytes(StandardCharsets.UTF_8);
    ByteBuf call = DataFrames.call(ALLOC, 3, DataFrames.UPDATE, "0+4096", body);
    assertThat(call.readByte()).isEqualTo(DataFrames.CALL);
    assertThat(call.readLong()).isEqualTo(3);
    DataFrames.Call read = DataFrames.readCall(call);
    assertThat(read.op()).isEqualTo(DataFrames.UPDATE);
    assertThat(read.owned()).isEqualTo("0+4096");
    assertThat(read.body()).isEqualTo(body);
    assertThat(call.isReadable()).isFalse();
    call.release();

    ByteBuf answer = DataFrames.answer(ALLOC, 4, body).skipBytes(9);
    assertThat(Frames.readBytes(answer)).isEqualTo(body);
    answer.release();

    ByteBuf refusal = Frames.writeRefusal(Unpooled.buffer(), 5, 409, null, 8).skipBytes(9);
    assertThat(Frames.readRefusal(refusal)).isEqualTo(new Frames.Refusal(409, 8, null));
  }

  @Test
  void framesWrittenInOneReadLoopLeaveInOneFlush() {
    int[] flushes = {0};
    io.netty.channel.embedded.EmbeddedChannel ch =
        new io.netty.channel.embedded.EmbeddedChannel(
            new io.netty.channel.ChannelOutboundHandlerAdapter() {
              @Override
              public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
              }
            });
    Frames.addFraming(ch.pipeline())
        .addLast(
            new io.netty.channel.ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                // Three answers to one call, each written and flushed on its own.
                for (int i = 0; i < 3; i++) {
                  ctx.writeAndFlush(Frames.signal(ctx.alloc(), Frames.WELCOME, i));
                }
              }
            });
    ByteBuf in = Unpooled.buffer().writeInt(9);
    in.writeBytes(Frames.signal(ALLOC, Frames.WELCOME, 7));
    ch.writeInbound(in);
    // The read loop's end flushes once: one TLS record, one system call for all three.
    assertThat(flushes[0]).isEqualTo(1);
    // Each frame is its length prefix and its body: 3 x (4 + 9) bytes.
    assertThat(ch.outboundMessages().stream().mapToInt(m -> ((ByteBuf) m).readableBytes()).sum())
        .isEqualTo(3 * 13);
    ch.finishAndReleaseAll();
  }
}
