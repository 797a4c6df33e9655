package io.shardeddb.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The router → shard-server data stream (issue 27 lever 1): the frames a router and a shard-server
 * exchange on the shard-server's stream port ({@code shardeddb.replication.stream-port}, 8083 in a
 * cluster) once a hello has named the {@link #KIND_DATA data} channel. Shared by both ends, which
 * encode and decode with the methods here ({@link #call}, {@link #readCall}, {@link #answer}) and
 * {@link Frames}'.
 *
 * <p>The framing is {@link Frames}': a 4-byte big-endian length, then {@code [type: 1 byte][id: 8
 * bytes]...}; strings are a 4-byte byte count ({@code -1}: null) and UTF-8 bytes; a body is a
 * 4-byte byte count and the bytes.
 *
 * <ul>
 *   <li>{@link #HELLO} (client, first frame, id 0): {@code [version int = 2][authorization
 *       string][kind byte][bodies byte]?}. Version 1 (no kind) is the replication stream's hello,
 *       still accepted as kind replication; a server from before this channel refuses version 2
 *       (400), and the router then calls that server over HTTP. {@code bodies} (since issue 48) is
 *       the {@link #TYPED_BODIES} version the router speaks; a server from before it reads the
 *       hello as it did and ignores the byte.
 *   <li>{@link #WELCOME} (server, id 0): {@code [bodies byte]?}: the certificate role and the
 *       credential were accepted; {@code bodies} the typed-bodies version granted (the lower of the
 *       router's and the server's), absent when none — a server from before typed bodies, or a
 *       router that asked for none — and then every call is a {@link #CALL}.
 *   <li>{@link #REFUSED} (server): {@code [status int][epoch long][message string]} — for id 0 the
 *       hello was refused and the connection closes; otherwise the call with that id failed with
 *       the status (and message) its HTTP endpoint would have answered (400, 404, 409, 421, 503..).
 *   <li>{@link #CALL} (client): {@code [op byte][owned string][body]}: one data call, the body the
 *       JSON its HTTP endpoint takes, {@code owned} the {@code X-Shard-Owned} header's value (null:
 *       not sent). Many may be in flight; the server runs them concurrently.
 *   <li>{@link #ANSWER} (server): {@code [body]}: the JSON its HTTP endpoint answers with 200.
 *   <li>{@link #TYPED_CALL} (client, only once typed bodies were granted): {@code [op byte][owned
 *       string][typed body]}: a call of an op {@link DataBodies#typed} names, the body in {@link
 *       DataBodies}' encoding (no JSON); answered by a {@link #TYPED_ANSWER} {@code [typed answer]}
 *       or a {@link #REFUSED}, or — when the answer holds a value without a typed encoding — by an
 *       {@link #ANSWER} with its JSON. Every other op stays a {@link #CALL}.
 *   <li>{@link #PING} (client, id 0) / {@link #PONG} (server, id 0): keep an idle connection open
 *       and show the client the server still reads.
 * </ul>
 */
public final class DataFrames {
  private DataFrames() {}

  public static final byte HELLO = Frames.HELLO;
  public static final byte WELCOME = Frames.WELCOME;
  public static final byte REFUSED = Frames.REFUSED;
  public static final byte CALL = 6;
  public static final byte ANSWER = 7;
  public static final byte PING = 8;
  public static final byte PONG = 9;
  public static final byte TYPED_CALL = 10;
  public static final byte TYPED_ANSWER = 11;

  /**
   * The version of the typed bodies ({@link DataBodies}) this build speaks: asked for in a data
   * hello, granted in the welcome.
   */
  public static final byte TYPED_BODIES = 1;

  /** The hello version that carries a channel kind. */
  public static final int VERSION = Frames.VERSION_KIND;

  /** The replication channel (a primary to its secondary; role shard-server, shard credential). */
  public static final byte KIND_REPLICATION = Frames.KIND_REPLICATION;

  /** The data channel (a router to a shard-server; role router, data or shard credential). */
  public static final byte KIND_DATA = Frames.KIND_DATA;

  /** {@code POST /write}. */
  public static final byte WRITE = 1;

  /** {@code POST /write/batch}. */
  public static final byte WRITE_BATCH = 2;

  /** {@code POST /read}. */
  public static final byte READ = 3;

  /** {@code POST /read/batch}. */
  public static final byte READ_BATCH = 4;

  /** {@code PUT /update}. */
  public static final byte UPDATE = 5;

  /** {@code DELETE /del}. */
  public static final byte DELETE = 6;

  /** {@code POST /txn}. */
  public static final byte TXN = 7;

  /**
   * {@code POST /timestamps} on the timestamp oracle's primary (DESIGN §11): on the stream the
   * router already holds to that shard-server, so a write's timestamp costs no HTTP exchange of its
   * own (2026-11-28: 3.6 ms of a one-client write's 8 ms went to that exchange, 0.4 ms of it inside
   * the shard-server).
   */
  public static final byte TIMESTAMPS = 8;

  /**
   * How a shard-server refuses (400) an op it does not know: one from before that op. The router
   * then makes that call over HTTP ({@link #isUnknownCall}).
   */
  public static final String UNKNOWN_CALL = "unknown data call ";

  /** Whether a refusal ({@code status}, {@code message}) says the server does not know the op. */
  public static boolean isUnknownCall(int status, String message) {
    return status == 400 && message != null && message.startsWith(UNKNOWN_CALL);
  }

  /** The largest frame either side accepts (the shard-server's HTTP request limit). */
  public static final int MAX_FRAME = Frames.MAX_FRAME;

  /** Where a shard-server offers the data channel: {@code GET} answers {@code {"port":n}}. */
  public static final String OFFER_PATH = "/data/stream";

  /** The HTTP endpoint an op stands for (logs, metrics, errors). */
  public static String endpoint(byte op) {
    return switch (op) {
      case WRITE -> "/write";
      case WRITE_BATCH -> "/write/batch";
      case READ -> "/read";
      case READ_BATCH -> "/read/batch";
      case UPDATE -> "/update";
      case DELETE -> "/del";
      case TXN -> "/txn";
      case TIMESTAMPS -> "/timestamps";
      default -> "op " + op;
    };
  }

  /**
   * The data channel's hello asking for typed bodies up to version {@code bodies} (0: none, the
   * hello as before them).
   */
  public static ByteBuf hello(ByteBufAllocator alloc, String authorization, byte bodies) {
    ByteBuf out = Frames.hello(alloc, KIND_DATA, authorization);
    return bodies > 0 ? out.writeByte(bodies) : out;
  }

  /**
   * What a data hello's rest after its kind asks for ({@link Frames#readHello} read up to it): the
   * typed-bodies version, 0 for none (a router from before them).
   */
  public static byte readBodies(ByteBuf in) {
    return in.isReadable() ? in.readByte() : 0;
  }

  /** The typed-bodies version a server grants a router that asked for {@code asked}. */
  public static byte granted(byte asked) {
    return (byte) Math.max(0, Math.min(asked, TYPED_BODIES));
  }

  /** The welcome of a data channel granting typed bodies of version {@code bodies} (0: none). */
  public static ByteBuf welcome(ByteBufAllocator alloc, byte bodies) {
    ByteBuf out = Frames.signal(alloc, WELCOME, 0);
    return bodies > 0 ? out.writeByte(bodies) : out;
  }

  /** A call as read (after its type and id). */
  public record Call(byte op, String owned, byte[] body) {}

  /** A {@link #CALL} frame: {@code body} is the endpoint's JSON, {@code owned} may be null. */
  public static ByteBuf call(ByteBufAllocator alloc, long id, byte op, String owned, byte[] body) {
    ByteBuf out = alloc.buffer(32 + body.length + (owned == null ? 0 : owned.length() * 3));
    out.writeByte(CALL).writeLong(id).writeByte(op);
    Frames.writeString(out, owned);
    return Frames.writeBytes(out, body);
  }

  /** A call's rest after its type and id. */
  public static Call readCall(ByteBuf in) {
    byte op = in.readByte();
    String owned = Frames.readString(in);
    return new Call(op, owned, Frames.readBytes(in));
  }

  /** A typed call as read (after its type and id): its body is what {@link DataBodies} read. */
  public record TypedCall(byte op, String owned, Object body) {}

  /**
   * A {@link #TYPED_CALL} frame of {@code op} (one {@link DataBodies#typed} names); {@link
   * IllegalArgumentException} (nothing allocated kept) when the body holds a value without a typed
   * encoding — the caller then sends a {@link #CALL}.
   */
  public static ByteBuf typedCall(
      ByteBufAllocator alloc, long id, byte op, String owned, Object body) {
    ByteBuf out = alloc.buffer(256);
    try {
      out.writeByte(TYPED_CALL).writeLong(id).writeByte(op);
      Frames.writeString(out, owned);
      DataBodies.writeCall(out, op, body);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * A typed call's rest after its type and id; {@link IllegalArgumentException} when malformed, and
   * {@link UnknownCall} for an op without a typed body here.
   */
  public static TypedCall readTypedCall(ByteBuf in) {
    byte op = in.readByte();
    String owned = Frames.readString(in);
    if (!DataBodies.typed(op)) {
      throw new UnknownCall(op);
    }
    return new TypedCall(op, owned, DataBodies.readCall(in, op));
  }

  /** A typed call of an op this build has no typed body for (refused as {@link #UNKNOWN_CALL}). */
  public static final class UnknownCall extends IllegalArgumentException {
    public UnknownCall(byte op) {
      super(UNKNOWN_CALL + op);
    }
  }

  /**
   * A {@link #TYPED_ANSWER} frame: the 200 answer of a typed call of {@code op}; {@link
   * IllegalArgumentException} (nothing kept) when it holds a value without a typed encoding — the
   * server then answers with an {@link #ANSWER}.
   */
  public static ByteBuf typedAnswer(ByteBufAllocator alloc, long id, byte op, Object answer) {
    ByteBuf out = alloc.buffer(256);
    try {
      out.writeByte(TYPED_ANSWER).writeLong(id);
      DataBodies.writeAnswer(out, op, answer);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * An {@link #ANSWER} frame: {@code body} is the endpoint's 200 JSON ({@link Frames#readBytes}).
   */
  public static ByteBuf answer(ByteBufAllocator alloc, long id, byte[] body) {
    ByteBuf out = alloc.buffer(13 + body.length).writeByte(ANSWER).writeLong(id);
    return Frames.writeBytes(out, body);
  }
}
