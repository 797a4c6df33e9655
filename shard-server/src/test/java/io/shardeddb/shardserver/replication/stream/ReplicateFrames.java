package io.shardeddb.shardserver.replication.stream;

import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.shardeddb.protocol.shard.ReplicateRequest;

/** A replicate frame's bytes (without its length prefix), as a primary's stream writes it. */
public final class ReplicateFrames {
  private ReplicateFrames() {}

  /** The frame carrying {@code request} under {@code id}. */
  public static byte[] replicate(JsonMapper json, long id, ReplicateRequest request) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeByte(ReplicateCodec.REPLICATE).writeLong(id);
    new ReplicateCodec(json).writeRequest(buf, request);
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    buf.release();
    return out;
  }
}
