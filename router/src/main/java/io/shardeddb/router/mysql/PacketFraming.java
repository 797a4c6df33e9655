package io.shardeddb.router.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.List;

/**
 * Netty framing of MySQL packets: a 3-byte little-endian length and a sequence id before each
 * payload. A client packet longer than {@code maxPayload} (or a multi-packet one, 16 MiB - 1) is
 * refused with {@link TooLargeException} before its bytes are buffered.
 */
final class PacketFraming {
  private PacketFraming() {}

  /** A client packet over the limit. */
  static final class TooLargeException extends RuntimeException {
    TooLargeException(long length, int max) {
      super("a packet of " + length + " bytes is larger than the limit of " + max);
    }
  }

  /**
   * Splits bytes into packets. After the client's first packet, when it is an SSLRequest, it stops:
   * what follows is the TLS handshake, which {@link #drainAfterSslRequest} hands back for the TLS
   * handler the connection puts in front (a client may send its ClientHello in the same segment).
   */
  static final class Decoder extends ByteToMessageDecoder {
    private final int maxPayload;
    private boolean first = true;

    Decoder(int maxPayload) {
      this.maxPayload = maxPayload;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      while (in.readableBytes() >= 4) {
        int length = in.getUnsignedMediumLE(in.readerIndex());
        if (length > maxPayload) {
          in.skipBytes(in.readableBytes());
          throw new TooLargeException(length, maxPayload);
        }
        if (in.readableBytes() < 4 + length) {
          return;
        }
        in.skipBytes(3);
        int sequence = in.readUnsignedByte();
        byte[] payload = new byte[length];
        in.readBytes(payload);
        out.add(new Packet(sequence, payload));
        if (first) {
          first = false;
          if (payload.length == 32 && (payload[1] & (Capabilities.SSL >>> 8)) != 0) {
            return;
          }
        }
      }
    }

    /** The bytes received after the SSLRequest, not yet decoded (a copy; may be empty). */
    ByteBuf drainAfterSslRequest() {
      ByteBuf pending = internalBuffer();
      return pending.readBytes(pending.readableBytes());
    }
  }

  static final class Encoder extends MessageToByteEncoder<Packet> {
    @Override
    protected void encode(ChannelHandlerContext ctx, Packet p, ByteBuf out) {
      if (p.payload().length >= 0xffffff) {
        throw new IllegalStateException("a server packet of 16 MiB or more");
      }
      out.writeMediumLE(p.payload().length);
      out.writeByte(p.sequence());
      out.writeBytes(p.payload());
    }
  }
}
