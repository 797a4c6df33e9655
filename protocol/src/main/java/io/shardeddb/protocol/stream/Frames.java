package io.shardeddb.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;

/**
 * The framing both binary streams on a shard-server's stream port share — the replication stream (a
 * primary to its secondaries) and the data stream (a router to a shard-server, {@link DataFrames})
 * — written once: a frame is a 4-byte big-endian length, then {@code [type: 1 byte][id: 8
 * bytes]...}; a string is a 4-byte byte count ({@code -1}: null) and its UTF-8 bytes; a body is a
 * 4-byte byte count and the bytes. The frame types both channels use ({@link #HELLO}, {@link
 * #WELCOME}, {@link #REFUSED}) and their layouts are here; each channel's own frames are its
 * codec's ({@code ReplicateCodec} in the shard-server, {@link DataFrames}).
 */
public final class Frames {
  private Frames() {}

  /** Client → server, the first frame: {@code [version int][authorization string][kind]?}. */
  public static final byte HELLO = 1;

  /** Server → client (id 0): the hello (certificate role and credential) was accepted. */
  public static final byte WELCOME = 2;

  /**
   * Server → client: {@code [status int][epoch long][message string]}; id 0: the hello was refused
   * and the connection closes; otherwise the request with that id failed.
   */
  public static final byte REFUSED = 5;

  /** The hello version of the replication stream: no kind (secondaries before 2 read only this). */
  public static final int VERSION_REPLICATION = 1;

  /** The hello version that carries a channel kind ({@link DataFrames#KIND_DATA}...). */
  public static final int VERSION_KIND = 2;

  /** The replication channel (a primary to its secondary; role shard-server, shard credential). */
  public static final byte KIND_REPLICATION = 1;

  /** The data channel (a router to a shard-server; role router, data or shard credential). */
  public static final byte KIND_DATA = 2;

  /** A hello of a version or kind this build does not speak. */
  public static final byte KIND_UNKNOWN = -1;

  /** The largest frame either side accepts (the shard-server's HTTP request limit). */
  public static final int MAX_FRAME = 64 * 1024 * 1024;

  /** A hello as read: its version, credential and channel kind ({@link #KIND_UNKNOWN} if none). */
  public record Hello(int version, String authorization, byte kind) {}

  /** A refusal as read (after its type and id). */
  public record Refusal(int status, long epoch, String message) {}

  /**
   * Whether a stream connection's flushes are consolidated ({@code
   * -Dshardeddb.stream.consolidate-flushes}, default true; false only for an A/B in the bench):
   * answers and frames written by one event-loop task, or while a read loop runs, leave in one
   * flush — one TLS record and one system call — instead of one each (the performance review's
   * per-frame flushes, issue 48).
   */
  static final boolean CONSOLIDATE_FLUSHES =
      Boolean.parseBoolean(System.getProperty("shardeddb.stream.consolidate-flushes", "true"));

  /**
   * Adds flush consolidation (Netty's {@link FlushConsolidationHandler}: a flush inside a read loop
   * waits for its end, any other runs after the current event-loop task, at most 256 held) and the
   * length framing (both directions) to a stream connection's pipeline, after its TLS handler.
   */
  public static ChannelPipeline addFraming(ChannelPipeline pipeline) {
    if (CONSOLIDATE_FLUSHES) {
      pipeline.addLast(new FlushConsolidationHandler(256, true));
    }
    return pipeline
        .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4))
        .addLast(new LengthFieldPrepender(4));
  }

  /** A frame that is only its type and id (welcome, ping, pong). */
  public static ByteBuf signal(ByteBufAllocator alloc, byte type, long id) {
    return alloc.buffer(9).writeByte(type).writeLong(id);
  }

  /**
   * The hello of a channel {@code kind}: the replication channel's is version 1 with no kind (what
   * every secondary reads), any other channel's version 2 with the kind.
   */
  public static ByteBuf hello(ByteBufAllocator alloc, byte kind, String authorization) {
    ByteBuf out = alloc.buffer(64).writeByte(HELLO).writeLong(0);
    if (kind == KIND_REPLICATION) {
      out.writeInt(VERSION_REPLICATION);
      writeString(out, authorization);
    } else {
      out.writeInt(VERSION_KIND);
      writeString(out, authorization);
      out.writeByte(kind);
    }
    return out;
  }

  /** A hello's rest after its type and id: version 1 is the replication channel's. */
  public static Hello readHello(ByteBuf in) {
    int version = in.readInt();
    String authorization = readString(in);
    byte kind = KIND_UNKNOWN;
    if (version == VERSION_KIND && in.isReadable()) {
      kind = in.readByte();
    } else if (version == VERSION_REPLICATION) {
      kind = KIND_REPLICATION;
    }
    return new Hello(version, authorization, kind);
  }

  /** Writes a refusal of request {@code id} (0: the hello) to {@code out}. */
  public static ByteBuf writeRefusal(ByteBuf out, long id, int status, String message, long epoch) {
    out.writeByte(REFUSED).writeLong(id).writeInt(status).writeLong(epoch);
    writeString(out, message);
    return out;
  }

  /** A refusal's rest after its type and id. */
  public static Refusal readRefusal(ByteBuf in) {
    int status = in.readInt();
    long epoch = in.readLong();
    return new Refusal(status, epoch, readString(in));
  }

  /** A string: its UTF-8 byte count ({@code -1}: null), then the bytes. */
  public static void writeString(ByteBuf out, String s) {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    int at = out.writerIndex();
    out.writeInt(0);
    int n = out.writeCharSequence(s, StandardCharsets.UTF_8);
    out.setInt(at, n);
  }

  public static String readString(ByteBuf in) {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
    in.skipBytes(n);
    return s;
  }

  /** A body: its byte count, then the bytes. */
  public static ByteBuf writeBytes(ByteBuf out, byte[] bytes) {
    return out.writeInt(bytes.length).writeBytes(bytes);
  }

  public static byte[] readBytes(ByteBuf in) {
    byte[] bytes = new byte[in.readInt()];
    in.readBytes(bytes);
    return bytes;
  }
}
