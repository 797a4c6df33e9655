package io.shardeddb.router.shard;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.shardeddb.protocol.stream.DataBodies;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.stream.Frames;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link ShardStream} asks for typed bodies (issue 48) in its hello, learns from the welcome
 * whether they were granted, writes a data call and reads its answer: a {@link
 * DataFrames#TYPED_CALL} when the connection's server granted typed bodies and the op has one
 * (issue 48, {@link DataBodies}), unless the body holds a value without a typed encoding; else a
 * {@link DataFrames#CALL} with the endpoint's JSON. An answer is read by its frame's type: a {@link
 * DataFrames#TYPED_ANSWER}'s body as {@link DataBodies} reads it for the op, an {@link
 * DataFrames#ANSWER}'s JSON as the call's type.
 */
final class StreamCalls {
  private static final Logger LOG = LoggerFactory.getLogger(StreamCalls.class);

  /** Whether the server granted typed bodies on a connection (set with its welcome). */
  private static final AttributeKey<Boolean> TYPED = AttributeKey.valueOf("shardeddb.typed-bodies");

  /**
   * The typed bodies a router asks for ({@code -Dshardeddb.stream.typed-bodies}, default true;
   * false only for an A/B in the bench, when every call goes as JSON as before issue 48).
   */
  static final byte ASKED =
      Boolean.parseBoolean(System.getProperty("shardeddb.stream.typed-bodies", "true"))
          ? DataFrames.TYPED_BODIES
          : 0;

  private final JsonMapper json;
  private final byte bodies;

  /**
   * Asking for typed bodies up to version {@code bodies} ({@link #ASKED}; 0: none, every call as
   * JSON, as a router before them).
   */
  StreamCalls(JsonMapper json, byte bodies) {
    this.json = json;
    this.bodies = bodies;
  }

  /** The data hello, asking for the typed bodies this router speaks. */
  ByteBuf hello(ByteBufAllocator alloc, String authorization) {
    return DataFrames.hello(alloc, authorization, bodies);
  }

  /**
   * Notes on {@code ch} whether its welcome's rest grants typed bodies (none from an older server),
   * and answers it.
   */
  boolean welcomed(Channel ch, ByteBuf welcome) {
    boolean typed = bodies > 0 && DataFrames.readBodies(welcome) >= 1;
    ch.attr(TYPED).set(typed);
    return typed;
  }

  /** The frame of call {@code id} on {@code ch}. */
  ByteBuf call(Channel ch, long id, byte op, String owned, Object body) throws IOException {
    if (Boolean.TRUE.equals(ch.attr(TYPED).get()) && DataBodies.typed(op)) {
      try {
        return DataFrames.typedCall(ch.alloc(), id, op, owned, body);
      } catch (IllegalArgumentException e) {
        LOG.debug("{} goes as JSON: {}", DataFrames.endpoint(op), e.getMessage());
      }
    }
    return DataFrames.call(ch.alloc(), id, op, owned, json.writeValueAsBytes(body));
  }

  /**
   * The value of an answer frame of {@code frameType} (its rest after type and id) to a call of
   * {@code op} whose answer is a {@code type}.
   */
  Object answer(byte frameType, ByteBuf frame, byte op, Argument<?> type) throws IOException {
    if (frameType == DataFrames.ANSWER) {
      return json.readValue(Frames.readBytes(frame), type);
    }
    Object value = DataBodies.readAnswer(frame, op);
    if (!type.getType().isInstance(value)) {
      throw new IllegalArgumentException(
          "a typed answer of " + DataFrames.endpoint(op) + " is not a " + type);
    }
    return value;
  }
}
