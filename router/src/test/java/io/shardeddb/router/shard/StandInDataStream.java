package io.shardeddb.router.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.stream.Frames;
import io.shardeddb.protocol.time.TimestampResponse;
import io.shardeddb.router.shard.ShardServerClientCoalescingTest.Primary;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in shard-server's data stream for the router's tests: speaks the frames of {@link
 * DataFrames} (hello, calls answered by id in any order, refusals, pings; typed calls when it
 * grants them, as a shard-server does since issue 48) and answers each call as the stand-in's HTTP
 * endpoint would ({@code responder}), on {@code threads}, so the router's coalescing, 421 and retry
 * tests run unchanged over the stream.
 */
final class StandInDataStream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonMapper SERDE = JsonMapper.createDefault();

  interface Responder {
    Primary.Reply respond(String path, String owned, JsonNode body);
  }

  private final ExecutorService threads;
  private final Responder responder;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel listener;

  /** The credentials of the hellos received, in order. */
  final List<String> hellos = new CopyOnWriteArrayList<>();

  /** Hellos welcomed (connections made). */
  final AtomicInteger welcomed = new AtomicInteger();

  /** When not 0, every hello is refused with this status (a server that takes no data stream). */
  volatile int refuseHello;

  /**
   * Whether a hello asking for typed bodies gets them granted (false: a server from before them,
   * whose welcome is its type and id only).
   */
  volatile boolean grantTyped = true;

  /** Calls received as JSON ({@link DataFrames#CALL}) and typed ({@link DataFrames#TYPED_CALL}). */
  final AtomicInteger jsonCalls = new AtomicInteger();

  final AtomicInteger typedCalls = new AtomicInteger();

  StandInDataStream(ExecutorService threads, Responder responder) throws InterruptedException {
    this.threads = threads;
    this.responder = responder;
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    Frames.addFraming(ch.pipeline()).addLast(new Connection());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  private final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
      byte type = frame.readByte();
      long id = frame.readLong();
      switch (type) {
        case DataFrames.HELLO -> {
          Frames.Hello hello = Frames.readHello(frame);
          hellos.add(String.valueOf(hello.authorization()));
          int refuse = refuseHello;
          if (refuse != 0 || hello.kind() != DataFrames.KIND_DATA) {
            ByteBuf out = refusal(ctx, 0, refuse == 0 ? 400 : refuse, "no data stream here");
            ctx.writeAndFlush(out).addListener(f -> ctx.close());
            return;
          }
          welcomed.incrementAndGet();
          byte asked = DataFrames.readBodies(frame);
          ctx.writeAndFlush(
              DataFrames.welcome(ctx.alloc(), grantTyped ? DataFrames.granted(asked) : 0));
        }
        case DataFrames.PING -> ctx.writeAndFlush(Frames.signal(ctx.alloc(), DataFrames.PONG, id));
        case DataFrames.TYPED_CALL -> typed(ctx, id, DataFrames.readTypedCall(frame));
        case DataFrames.CALL -> {
          jsonCalls.incrementAndGet();
          DataFrames.Call call = DataFrames.readCall(frame);
          JsonNode json = JSON.readTree(call.body());
          threads.execute(
              () -> {
                Primary.Reply r =
                    responder.respond(DataFrames.endpoint(call.op()), call.owned(), json);
                if (r.status() == 200) {
                  byte[] bytes;
                  try {
                    bytes = JSON.writeValueAsBytes(r.body());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  ctx.writeAndFlush(DataFrames.answer(ctx.alloc(), id, bytes));
                } else {
                  ctx.writeAndFlush(refusal(ctx, id, r.status(), r.body().get("message").asText()));
                }
              });
        }
        default -> ctx.close();
      }
    }
  }

  /**
   * A typed call answered as the JSON one is: its body as the JSON the server's reader would see,
   * the responder's 200 answer read as the op's answer type and written typed.
   */
  private void typed(ChannelHandlerContext ctx, long id, DataFrames.TypedCall call)
      throws Exception {
    typedCalls.incrementAndGet();
    JsonNode json = JSON.readTree(SERDE.writeValueAsBytes(call.body()));
    threads.execute(
        () -> {
          Primary.Reply r = responder.respond(DataFrames.endpoint(call.op()), call.owned(), json);
          if (r.status() != 200) {
            ctx.writeAndFlush(refusal(ctx, id, r.status(), r.body().get("message").asText()));
            return;
          }
          try {
            Object answer =
                SERDE.readValue(
                    JSON.writeValueAsBytes(r.body()), Argument.of(answerType(call.op())));
            ctx.writeAndFlush(DataFrames.typedAnswer(ctx.alloc(), id, call.op(), answer));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static Class<?> answerType(byte op) {
    return switch (op) {
      case DataFrames.WRITE -> ShardWriteResponse.class;
      case DataFrames.WRITE_BATCH -> ShardWriteBatchResponse.class;
      case DataFrames.READ -> ShardReadResponse.class;
      case DataFrames.READ_BATCH -> ShardReadBatchResponse.class;
      case DataFrames.TIMESTAMPS -> TimestampResponse.class;
      default -> throw new IllegalArgumentException("no typed answer for op " + op);
    };
  }

  private static ByteBuf refusal(ChannelHandlerContext ctx, long id, int status, String message) {
    return Frames.writeRefusal(ctx.alloc().buffer(), id, status, message, -1);
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
