package io.shardeddb.shardserver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.shardeddb.protocol.stream.DataBodies;
import io.shardeddb.protocol.stream.DataFrames;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * A raw client of the shard-server's stream port for tests: writes hello and call frames byte by
 * byte as {@link DataFrames} describes them and reads the frames back, so the tests check the wire
 * format itself, not the router's client of it.
 */
final class DataFrameClient implements AutoCloseable {
  /**
   * One frame read back: its type and id, then a status (refusals), and a body or message; {@code
   * rest} the bytes after the id of any other frame (a welcome's granted typed bodies, a typed
   * answer).
   */
  record Frame(byte type, long id, int status, String text, byte[] rest) {
    Frame(byte type, long id, int status, String text) {
      this(type, id, status, text, new byte[0]);
    }

    /** A typed answer's body as {@link DataBodies} reads it for {@code op}. */
    Object typedAnswer(byte op) {
      return DataBodies.readAnswer(Unpooled.wrappedBuffer(rest), op);
    }
  }

  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;

  DataFrameClient(int port, SSLContext tls) throws IOException {
    socket =
        tls == null
            ? new Socket(InetAddress.getByName("127.0.0.1"), port)
            : tls.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(15_000);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  /** Sends a hello of {@code kind} (version 2), or of version 1 when {@code kind} is 0. */
  void hello(String authorization, byte kind) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(body);
    f.writeByte(DataFrames.HELLO);
    f.writeLong(0);
    f.writeInt(kind == 0 ? 1 : DataFrames.VERSION);
    writeString(f, authorization);
    if (kind != 0) {
      f.writeByte(kind);
    }
    send(body);
  }

  /** Sends a data hello (version 2) asking for typed bodies of version {@code bodies}. */
  void hello(String authorization, byte kind, byte bodies) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(body);
    f.writeByte(DataFrames.HELLO);
    f.writeLong(0);
    f.writeInt(DataFrames.VERSION);
    writeString(f, authorization);
    f.writeByte(kind);
    f.writeByte(bodies);
    send(body);
  }

  /** Sends a typed call, its body encoded by {@link DataBodies}; nothing is read. */
  void typedCall(long id, byte op, String owned, Object body) throws IOException {
    ByteBuf frame = DataFrames.typedCall(UnpooledByteBufAllocator.DEFAULT, id, op, owned, body);
    try {
      raw(ByteBufUtil.getBytes(frame));
    } finally {
      frame.release();
    }
  }

  /** Sends a call; nothing is read. */
  void call(long id, byte op, String owned, String json) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(body);
    f.writeByte(DataFrames.CALL);
    f.writeLong(id);
    f.writeByte(op);
    writeString(f, owned);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    f.writeInt(bytes.length);
    f.write(bytes);
    send(body);
  }

  /** Sends a frame whose bytes ({@code [type][id][body]}) the caller wrote. */
  void raw(byte[] frame) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(frame);
    send(body);
  }

  void ping() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(body);
    f.writeByte(DataFrames.PING);
    f.writeLong(0);
    send(body);
  }

  /** The next frame from the server. */
  Frame read() throws IOException {
    int length = in.readInt();
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    DataInputStream f = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    byte type = f.readByte();
    long id = f.readLong();
    return switch (type) {
      case DataFrames.REFUSED -> {
        int status = f.readInt();
        f.readLong();
        yield new Frame(type, id, status, readString(f));
      }
      case DataFrames.ANSWER -> {
        byte[] answer = new byte[f.readInt()];
        f.readFully(answer);
        yield new Frame(type, id, 200, new String(answer, StandardCharsets.UTF_8));
      }
      default -> new Frame(type, id, 0, null, f.readAllBytes());
    };
  }

  /** Hello of {@code kind}: 0 when welcomed, else the refusal's status. */
  int helloStatus(String authorization, byte kind) throws IOException {
    hello(authorization, kind);
    Frame f = read();
    return f.type() == DataFrames.WELCOME ? 0 : f.status();
  }

  private void send(ByteArrayOutputStream body) throws IOException {
    out.writeInt(body.size());
    body.writeTo(out);
    out.flush();
  }

  private static void writeString(DataOutputStream f, String s) throws IOException {
    if (s == null) {
      f.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    f.writeInt(b.length);
    f.write(b);
  }

  private static String readString(DataInputStream f) throws IOException {
    int n = f.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    f.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
