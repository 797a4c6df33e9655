package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client answering the handshake with a plugin the router does not know gets an AuthSwitchRequest
 * to {@code mysql_native_password} over the same salt, and then authenticates with that plugin's
 * scramble; the packets are read off a plain socket, byte for byte.
 */
@Timeout(60)
class MysqlAuthSwitchTest {
  @Test
  void anUnknownPluginIsSwitchedToNativePasswordOverTheSameSalt() throws Exception {
    try (MysqlRouterFixture f = MysqlRouterFixture.start(Map.of());
        Socket s = new Socket("127.0.0.1", f.port())) {
      s.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();

      PacketReader hello = new PacketReader(read(in, 0));
      assertThat(hello.int1()).isEqualTo(10);
      hello.nul();
      hello.int4();
      byte[] salt1 = hello.bytes(8);
      hello.skip(1 + 2 + 1 + 2 + 2 + 1 + 10);
      byte[] salt = concat(salt1, hello.bytes(12));

      int caps =
          Capabilities.PROTOCOL_41
              | Capabilities.SECURE_CONNECTION
              | Capabilities.PLUGIN_AUTH
              | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA;
      write(
          out,
          1,
          new PacketWriter()
              .int4(caps)
              .int4(1 << 24)
              .int1(45)
              .zeros(23)
              .nul("sdb")
              .lenenc(new byte[] {1})
              .nul("client_ed25519")
              .toBytes());
      PacketReader change = new PacketReader(read(in, 2));
      assertThat(change.int1()).isEqualTo(0xfe);
      assertThat(change.nul()).isEqualTo("mysql_native_password");
      assertThat(change.bytes(20)).isEqualTo(salt);

      write(out, 3, Scramble.nativePassword(MysqlRouterFixture.DATA_TOKEN, salt));
      assertThat(read(in, 4)[0]).as("OK").isEqualTo((byte) 0);
    }
  }

  static byte[] read(DataInputStream in, int expectedSequence) throws IOException {
    int length = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
    assertThat(in.readUnsignedByte()).as("sequence").isEqualTo(expectedSequence);
    byte[] payload = new byte[length];
    in.readFully(payload);
    return payload;
  }

  static void write(OutputStream out, int sequence, byte[] payload) throws IOException {
    out.write(
        new byte[] {
          (byte) payload.length,
          (byte) (payload.length >> 8),
          (byte) (payload.length >> 16),
          (byte) sequence
        });
    out.write(payload);
    out.flush();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
