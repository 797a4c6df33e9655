package io.shardeddb.shardserver.datastream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.stream.Frames;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router's data channel once its hello was accepted ({@code ReplicationStreamServer} checked the
 * router certificate and the credential): each {@link DataFrames#CALL} is decoded on the event loop
 * (op, owned, body bytes only; the JSON is read with the call) and each {@link
 * DataFrames#TYPED_CALL} wholly ({@link io.shardeddb.protocol.stream.DataBodies}), run on {@code
 * executor} by {@link DataCalls} — concurrently, as the HTTP server runs concurrent requests — and
 * answered with its id when it ends, in whatever order the calls end: a call with an {@link
 * DataFrames#ANSWER}, a typed call with a {@link DataFrames#TYPED_ANSWER}. {@link DataFrames#PING}
 * is answered at once.
 */
public final class DataStreamHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private static final Logger LOG = LoggerFactory.getLogger(DataStreamHandler.class);

  private final DataCalls calls;
  private final Executor executor;

  public DataStreamHandler(DataCalls calls, Executor executor) {
    this.calls = calls;
    this.executor = executor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    byte type = frame.readByte();
    long id = frame.readLong();
    if (type == DataFrames.PING) {
      ctx.writeAndFlush(Frames.signal(ctx.alloc(), DataFrames.PONG, id));
      return;
    }
    if (type == DataFrames.TYPED_CALL) {
      typedCall(ctx, id, frame);
      return;
    }
    if (type != DataFrames.CALL) {
      refuse(ctx, id, 400, "unexpected frame type " + type + " on the data channel", -1);
      return;
    }
    DataFrames.Call call;
    try {
      call = DataFrames.readCall(frame);
    } catch (RuntimeException e) {
      refuse(ctx, id, 400, "malformed data frame: " + e.getMessage(), -1);
      return;
    }
    try {
      executor.execute(() -> run(ctx, id, call.op(), call.owned(), call.body()));
    } catch (RejectedExecutionException e) {
      refuse(ctx, id, 503, "shard-server shutting down", -1);
    }
  }

  /**
   * A typed call, decoded here on the event loop (the frame is released when this read ends): a
   * malformed one is refused with 400, one of an op without a typed body here as an unknown call
   * (the router then makes it over HTTP).
   */
  private void typedCall(ChannelHandlerContext ctx, long id, ByteBuf frame) {
    DataFrames.TypedCall call;
    try {
      call = DataFrames.readTypedCall(frame);
    } catch (DataFrames.UnknownCall e) {
      refuse(ctx, id, 400, e.getMessage(), -1);
      return;
    } catch (RuntimeException e) {
      refuse(ctx, id, 400, "malformed typed data frame: " + e.getMessage(), -1);
      return;
    }
    try {
      executor.execute(() -> runTyped(ctx, id, call));
    } catch (RejectedExecutionException e) {
      refuse(ctx, id, 503, "shard-server shutting down", -1);
    }
  }

  private void runTyped(ChannelHandlerContext ctx, long id, DataFrames.TypedCall call) {
    Object answer;
    try {
      answer = calls.typed(call.op(), call.owned(), call.body());
    } catch (DataCalls.Failed f) {
      refuse(ctx, id, f.status(), f.getMessage(), f.epoch());
      return;
    } catch (RuntimeException e) {
      refuse(ctx, id, 500, "Internal Server Error: " + e, -1);
      return;
    }
    ByteBuf frame;
    try {
      frame = DataFrames.typedAnswer(ctx.alloc(), id, call.op(), answer);
    } catch (IllegalArgumentException e) {
      // A value without a typed encoding: the answer goes as its JSON, which the router reads too.
      try {
        frame = DataFrames.answer(ctx.alloc(), id, calls.json(answer));
      } catch (java.io.IOException | RuntimeException j) {
        refuse(ctx, id, 500, "could not encode the answer: " + j.getMessage(), -1);
        return;
      }
    }
    ctx.writeAndFlush(frame);
  }

  private void run(ChannelHandlerContext ctx, long id, byte op, String owned, byte[] body) {
    byte[] answer;
    try {
      answer = calls.call(op, owned, body);
    } catch (DataCalls.Failed f) {
      refuse(ctx, id, f.status(), f.getMessage(), f.epoch());
      return;
    } catch (RuntimeException e) {
      refuse(ctx, id, 500, "Internal Server Error: " + e, -1);
      return;
    }
    ctx.writeAndFlush(DataFrames.answer(ctx.alloc(), id, answer));
  }

  private static void refuse(
      ChannelHandlerContext ctx, long id, int status, String message, long epoch) {
    ctx.writeAndFlush(Frames.writeRefusal(ctx.alloc().buffer(64), id, status, message, epoch));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("data stream from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
