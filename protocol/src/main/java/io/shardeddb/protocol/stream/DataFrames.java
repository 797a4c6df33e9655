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
 *       string][kind byte]}. Version 1 (no kind) is the replication stream's hello, still accepted
 *       as kind replication; a server from before this channel refuses version 2 (400), and the
 *       router then calls that server over HTTP.
 *   <li>{@link #WELCOME} (server, id 0): the certificate role and the credential were accepted.
 *   <li>{@link #REFUSED} (server): {@code [status int][epoch long][message string]} — for id 0 the
 *       hello was refused and the connection closes; otherwise the call with that id failed with
 *       the status (and message) its HTTP endpoint would have answered (400, 404, 409, 421, 503..).
 *   <li>{@link #CALL} (client): {@code [op byte][owned string][body]}: one data call, the body the
 *       JSON its HTTP endpoint takes, {@code owned} the {@code X-Shard-Owned} header's value (null:
 *       not sent). Many may be in flight; the server runs them concurrently.
 *   <li>{@link #ANSWER} (server): {@code [body]}: the JSON its HTTP endpoint answers with 200.
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

  /**
   * An {@link #ANSWER} frame: {@code body} is the endpoint's 200 JSON ({@link Frames#readBytes}).
   */
  public static ByteBuf answer(ByteBufAllocator alloc, long id, byte[] body) {
    ByteBuf out = alloc.buffer(13 + body.length).writeByte(ANSWER).writeLong(id);
    return Frames.writeBytes(out, body);
  }
}
